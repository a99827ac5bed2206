"""Translation catalogs: which messages lack a translation, are fuzzy, or break
a placeholder; run ``python -m config.i18n_check --help``."""
