from django.urls import path

from gcm import api

urlpatterns = [
    path("objectives/", api.ObjectiveList.as_view(), name="api-objectives"),
    path("objectives/<slug:key>/", api.ObjectiveDetail.as_view(), name="api-objective"),
    path("principles/", api.PrincipleList.as_view(), name="api-principles"),
    path("regions/", api.RegionList.as_view(), name="api-regions"),
    path("countries/", api.CountryList.as_view(), name="api-countries"),
    path("document-types/", api.DocumentTypeList.as_view(), name="api-document-types"),
    path("languages/", api.LanguageList.as_view(), name="api-languages"),
]
