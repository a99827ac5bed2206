from django.urls import path

from reports import survey_views, views

app_name = "reports"
urlpatterns = [
    path("home/", views.home, name="home"),
    path("survey/<str:token>/", survey_views.survey, name="survey"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/", views.report_index, name="index"),
    path("reports/<slug:name>/", views.report_detail, name="detail"),
    path("reports/<slug:name>/tickets/", views.report_drill, name="drill"),
    path("reports/<slug:name>/export.csv", views.report_export, {"fmt": "csv"}, name="csv"),
    path("reports/<slug:name>/export.xlsx", views.report_export, {"fmt": "xlsx"}, name="xlsx"),
]
