from django.urls import path

from volunteers.views import kiosk

# Mounted under /kiosk/ by pic/urls.py: the tablet's pages, outside /staff/ because they
# hold no staff session (the kiosk cookie, whose path is this prefix, is their credential).
app_name = "kiosk"
urlpatterns = [
    path("", kiosk.kiosk_home, name="home"),
    path("<str:code>/", kiosk.desk, name="desk"),
]
