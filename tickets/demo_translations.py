"""The demo categories in the other languages (admins edit them under Categories)."""

CATEGORY_TRANSLATIONS = {
    "Network": {
        "pl": {"name": "Sieć", "description": "Łączność LAN, WAN, VPN i Wi-Fi."},
        "fr": {"name": "Réseau", "description": "Connectivité LAN, WAN, VPN et Wi-Fi."},
        "nl": {"name": "Netwerk", "description": "LAN-, WAN-, VPN- en wifiverbindingen."},
        "ru": {"name": "Сеть", "description": "Подключение LAN, WAN, VPN и Wi-Fi."},
    },
    "E-commerce checkout": {
        "pl": {
            "name": "Zakupy w sklepie internetowym",
            "description": "Koszyk, płatność i potwierdzenie zamówienia.",
        },
        "fr": {
            "name": "Paiement e-commerce",
            "description": "Panier, paiement et confirmation de commande de la boutique.",
        },
        "nl": {
            "name": "Afrekenen in de webshop",
            "description": "Winkelmand, betaling en orderbevestiging van de webshop.",
        },
        "ru": {
            "name": "Оформление заказа",
            "description": "Корзина, оплата и подтверждение заказа в интернет-магазине.",
        },
    },
    "Account access": {
        "pl": {
            "name": "Dostęp do konta",
            "description": "Logowanie, hasła, jednokrotne logowanie i uprawnienia.",
        },
        "fr": {
            "name": "Accès au compte",
            "description": "Connexion, mots de passe, authentification unique et droits.",
        },
        "nl": {
            "name": "Toegang tot account",
            "description": "Aanmelden, wachtwoorden, single sign-on en rechten.",
        },
        "ru": {
            "name": "Доступ к учётной записи",
            "description": "Вход, пароли, единый вход и права доступа.",
        },
    },
    "Security": {
        "pl": {
            "name": "Bezpieczeństwo",
            "description": "Podejrzenia włamań, phishing, podatności.",
        },
        "fr": {
            "name": "Sécurité",
            "description": "Intrusions suspectées, hameçonnage, vulnérabilités.",
        },
        "nl": {
            "name": "Beveiliging",
            "description": "Vermoedelijke inbraken, phishing, kwetsbaarheden.",
        },
        "ru": {"name": "Безопасность", "description": "Подозрения на взлом, фишинг, уязвимости."},
    },
}
