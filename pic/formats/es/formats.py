"""How Spanish dates and numbers read: "1 de diciembre de 2026", "3:30 p.m.", "1,250.5".

Django's own Spanish formats are Spain's: a decimal comma, a space between thousands and a
24-hour clock. Missouri's Spanish readers, and the English forms and paper they sit beside,
use the decimal point, the thousands comma and the 12-hour clock (as Mexico's formats do), so
"2.5 horas" typed in an hours form means what the same number means on the English page.
Input formats stay ISO (the date and time inputs send ISO whatever the language).
"""

DATE_FORMAT = r"j \d\e F \d\e Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, g:i a"
TIME_FORMAT = "g:i a"
MONTH_DAY_FORMAT = r"j \d\e F"
YEAR_MONTH_FORMAT = r"F \d\e Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y g:i a"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
