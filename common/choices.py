from django_countries import countries

# ISO 3166-1 alpha-2 codes, for the API schema's single Country enum.
COUNTRY_CODES = [code for code, _name in countries]
