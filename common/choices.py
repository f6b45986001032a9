from django_countries import countries

# ISO 3166-1 alpha-2 codes with their names, for the API schema's single Country enum
# (drf-spectacular matches enum overrides on code and label).
COUNTRY_CHOICES = [(code, name) for code, name in countries]
