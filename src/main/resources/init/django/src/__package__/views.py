from django.http import HttpResponse
from django.shortcuts import render


def home(request):
    return render(request, "{{package}}/home.html")


def health(request):
    """metadata.yaml: health. Answered before the web server switches to a new release."""
    return HttpResponse("ok", content_type="text/plain")
