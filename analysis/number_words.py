"""The words `analysis.numbers` reads: number words, scales, fractions, vague quantities, ordinals, months, decades,
currencies and units of Arabic and English news, looked up `normalize`d (alef and hamza seats folded, ة → ه,
ى → ي) and in lower case. Pure data."""

from __future__ import annotations

from decimal import Decimal

from arabic.grouping import normalize

CARDINAL, ORDINAL, HUNDRED, SCALE = "cardinal", "ordinal", "hundred", "scale"
PLURAL_SCALE, DUAL_SCALE = "plural", "dual"
FRACTION, FRACTIONS, VAGUE, MONTH, HIJRI, DECADE = "fraction", "fractions", "vague", "month", "hijri", "decade"
FEW = Decimal(3)  # the value of a vague "a few" (`بضعة`)


def third(numerator: int, denominator: int) -> Decimal:
    """A fraction as a Decimal rounded the same way on both sides, so `ثلثا` and "two-thirds" compare equal."""
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("1e-9")).normalize()


def _table(kind: str, rows: dict[object, str]) -> dict[str, tuple[str, object]]:
    return {normalize(word).lower(): (kind, value) for value, words in rows.items() for word in words.split()}


WORDS: dict[str, tuple[str, object]] = {
    **_table(CARDINAL, {
        # With English multiplicatives ("tripled" for `ثلاث مرات`): small English words only support the Arabic.
        1: "واحد واحده احد احدي one", 2: "اثنان اثنين اثنتان اثنتين اثنا اثني اثنتا اثنتي two doubled twofold",
        3: "ثلاث ثلاثه three tripled trebled threefold", 4: "اربع اربعه four quadrupled fourfold",
        5: "خمس خمسه five", 6: "ست سته six", 7: "سبع سبعه seven",
        8: "ثمان ثماني ثمانيه eight", 9: "تسع تسعه nine", 10: "عشر عشره ten", 11: "eleven", 12: "twelve dozen",
        13: "thirteen", 14: "fourteen", 15: "fifteen", 16: "sixteen", 17: "seventeen", 18: "eighteen",
        19: "nineteen", 20: "عشرون عشرين twenty", 30: "ثلاثون ثلاثين thirty", 40: "اربعون اربعين forty",
        50: "خمسون خمسين fifty", 60: "ستون ستين sixty", 70: "سبعون سبعين seventy", 80: "ثمانون ثمانين eighty",
        90: "تسعون تسعين ninety", 200: "مئتان مئتين مئتي مئتا مائتان مائتين مائتي مائتا",
        300: "ثلاثمئه ثلاثمائه", 400: "اربعمئه اربعمائه", 500: "خمسمئه خمسمائه", 600: "ستمئه ستمائه",
        700: "سبعمئه سبعمائه", 800: "ثمانمئه ثمانمائه ثمانيمئه ثمانيمائه", 900: "تسعمئه تسعمائه",
    }),
    **_table(ORDINAL, {
        1: "اول اولي حادي حاديه first", 2: "ثاني ثانيه second", 3: "ثالث ثالثه third", 4: "رابع رابعه fourth",
        5: "خامس خامسه fifth", 6: "سادس سادسه sixth", 7: "سابع سابعه seventh", 8: "ثامن ثامنه eighth",
        9: "تاسع تاسعه ninth", 10: "عاشر عاشره tenth", 11: "eleventh", 12: "twelfth", 13: "thirteenth",
        14: "fourteenth", 15: "fifteenth", 16: "sixteenth", 17: "seventeenth", 18: "eighteenth",
        19: "nineteenth", 20: "twentieth", 30: "thirtieth", 40: "fortieth", 50: "fiftieth", 100: "hundredth",
    }),
    **_table(HUNDRED, {100: "مئه مائه hundred"}),
    **_table(SCALE, {1000: "الف thousand", 1_000_000: "مليون million mln mn",
                     1_000_000_000: "مليار بليون billion bn bln", 1_000_000_000_000: "تريليون ترليون trillion tn"}),
    **_table(DUAL_SCALE, {1000: "الفا", 1_000_000: "مليونا", 1_000_000_000: "مليارا"}),
    **_table(CARDINAL, {2000: "الفان الفين الفي", 2_000_000: "مليونان مليونين مليوني",
                        2_000_000_000: "ملياران مليارين ملياري"}),
    **_table(PLURAL_SCALE, {1000: "الاف thousands", 1_000_000: "ملايين millions",
                            1_000_000_000: "مليارات billions", 1_000_000_000_000: "تريليونات ترليونات trillions"}),
    **_table(VAGUE, {10: "عشرات dozens scores tens", 100: "مئات hundreds", FEW: "بضع بضعه"}),
    **_table(FRACTION, {third(1, 2): "نصف half", third(1, 4): "ربع quarter", third(1, 3): "ثلث",
                        third(2, 3): "ثلثا ثلثي", third(3, 4): "three-quarters"}),
    **_table(FRACTIONS, {4: "ارباع quarters", 3: "اثلاث thirds"}),  # a denominator: "two-thirds"
    **_table(MONTH, {
        1: "يناير جانفي january", 2: "فبراير فيفري شباط february", 3: "مارس اذار march", 4: "ابريل افريل نيسان april",
        5: "مايو ماي ايار may", 6: "يونيو يونيه جوان حزيران june", 7: "يوليو يوليه جويليه تموز july",
        8: "اغسطس اوت اب august", 9: "سبتمبر ايلول september", 10: "اكتوبر october", 11: "نوفمبر november",
        12: "ديسمبر december",
    }),
    **_table(HIJRI, {1: "محرم muharram", 2: "صفر safar", 7: "رجب rajab", 8: "شعبان shaaban sha'ban shaban",
                     9: "رمضان ramadan", 10: "شوال shawwal"}),
    **_table(DECADE, {
        20: "عشرينيات عشرينات twenties", 30: "ثلاثينيات ثلاثينات thirties", 40: "اربعينيات اربعينات forties",
        50: "خمسينيات خمسينات fifties", 60: "ستينيات ستينات sixties", 70: "سبعينيات سبعينات seventies",
        80: "ثمانينيات ثمانينات eighties", 90: "تسعينيات تسعينات nineties",
    }),
}
# English month abbreviations count only beside a day or a year ("Jan. 9", "Sept 2022").
ABBREVIATED_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
                      "oct": 10, "nov": 11, "dec": 12}
# Month names of two words: the Levantine `كانون الثاني` (January), the Hijri `ربيع الأول`, `ذو الحجة`.
TWO_WORD_MONTHS: dict[str, dict[str, tuple[str, int]]] = {
    "كانون": {"الثاني": (MONTH, 1), "الاول": (MONTH, 12)},
    "تشرين": {"الاول": (MONTH, 10), "الثاني": (MONTH, 11)},
    "ربيع": {"الاول": (HIJRI, 3), "الثاني": (HIJRI, 4), "الاخر": (HIJRI, 4)},
    "جمادي": {"الاولي": (HIJRI, 5), "الاول": (HIJRI, 5), "الثانيه": (HIJRI, 6), "الاخره": (HIJRI, 6),
              "الاخر": (HIJRI, 6)},
    "ذو": {"القعده": (HIJRI, 11), "الحجه": (HIJRI, 12)}, "ذي": {"القعده": (HIJRI, 11), "الحجه": (HIJRI, 12)},
}
# Arabic month names that are also ordinary words (`مارس` "practised", `صفر` "zero", `رمضان` a given name):
# months only beside a day, a year or a word that names a time.
AMBIGUOUS_MONTHS = {normalize(word) for word in "مارس اب ماي محرم صفر رجب شعبان رمضان شوال".split()}
MONTH_CONTEXT = {normalize(word) for word in "شهر الشهر في منذ حتى خلال مطلع اواخر اوائل منتصف بداية نهاية "
                 "بدايه نهايه اول اخر الماضي المقبل الجاري الحالي المنصرم القادم من الي".split()}
ENGLISH_MONTH_CONTEXT = set("in on of since until till by last next early mid late from to through between "
                           "during before after this that each every end start beginning and or".split())
# Weekdays written like numbers: `الأحد` (Sunday), `الاثنين` (Monday).
WEEKDAYS = {"الاحد", "الاثنين", "والاحد", "والاثنين"}
# Words before `ألفا` that make it the name Alpha (the variant, the letter), not 2,000 or a thousand.
ALPHA_BEFORE = {normalize(word) for word in "متحور المتحور متحوره المتحوره سلاله السلاله نسخه النسخه حرف الحرف "
                "فيروس شركه فريق اشعه جسيمات".split()}
PERCENT_WORDS = (("في", "المئه"), ("في", "المائه"), ("بالمئه",), ("بالمائه",), ("percent",), ("per", "cent"),
                 ("pct",), ("percentage", "points"), ("percentage", "point"), ("نقطه", "مئويه"),
                 ("نقاط", "مئويه"))
PERCENT_UNITS = {("percentage", "points"): "point", ("percentage", "point"): "point", ("نقطه", "مئويه"): "point",
                 ("نقاط", "مئويه"): "point"}


def _units(rows: dict[str, str]) -> dict[str, str]:
    return {normalize(word).lower(): unit for unit, words in rows.items() for word in words.split()}


# A currency or unit written right after a value (`5 ملايين دولار`, "12 km"): unit → its spellings.
UNITS = _units({
    "dollar": "دولار دولارا دولارات dollar dollars usd", "euro": "يورو euro euros eur",
    "pound": "جنيه جنيها جنيهات pound pounds", "pound:GBP": "استرليني sterling gbp",
    "riyal": "ريال ريالا ريالات riyal riyals rial rials sar qr", "dinar": "دينار دينارا دنانير dinar dinars kd jd",
    "dirham": "درهم درهما دراهم dirham dirhams aed", "lira": "ليره ليرات lira liras lire",
    "shekel": "شيكل شيكلا شيقل شواكل shekel shekels nis", "yen": "ين yen", "yuan": "يوان yuan",
    "rupee": "روبيه rupee rupees", "ruble": "روبل rouble roubles ruble rubles", "franc": "فرنك franc francs",
    "km": "كيلومتر كيلومترا كيلومترات كلم كم km kilometre kilometres kilometer kilometers",
    "m": "متر مترا امتار metre metres meter meters", "mile": "ميل اميال mile miles",
    "cm": "سنتيمتر سنتيمترا سم cm centimetre centimetres", "hectare": "هكتار هكتارا هكتارات hectare hectares",
    "dunum": "دونم دونما دونمات dunum dunums dunams donums", "feddan": "فدان فدانا افدنه feddan feddans acres",
    "tonne": "طن طنا اطنان ton tons tonne tonnes", "kg": "كيلوغرام كيلوجرام كغ كجم kg kilogram kilograms kilos",
    "gram": "غرام جرام غراما جراما gram grams", "barrel": "برميل برميلا براميل barrel barrels",
    "litre": "لتر لترا لترات litre litres liter liters", "mw": "ميغاواط ميجاوات ميغاوات mw megawatt megawatts",
    "degree": "درجه درجات degree degrees", "second": "ثانيه ثوان ثواني seconds",
    "minute": "دقيقه دقائق minute minutes", "hour": "ساعه ساعات hour hours",
    "day": "يوم يوما ايام day days", "week": "اسبوع اسبوعا اسابيع week weeks",
    "month": "شهر شهرا اشهر شهور month months", "year": "سنه سنوات سنين عاما اعوام year years",
})
# A word after the currency that names whose it is (`دولار أمريكي`, `جنيه مصري`), or before it ("Saudi riyals").
CURRENCY_OF = {normalize(word).lower(): code for code, words in {
    "USD": "امريكي us u.s. american", "EGP": "مصري egyptian", "SAR": "سعودي saudi", "QAR": "قطري qatari",
    "KWD": "كويتي kuwaiti", "JOD": "اردني jordanian", "IQD": "عراقي iraqi", "AED": "اماراتي emirati uae",
    "MAD": "مغربي moroccan", "LBP": "لبنانيه lebanese", "SYP": "سوريه syrian", "TRY": "تركيه turkish",
    "TND": "تونسي tunisian", "DZD": "جزائري algerian", "LYD": "ليبي libyan", "BHD": "بحريني bahraini",
    "OMR": "عماني omani", "YER": "يمني yemeni", "IRR": "ايراني iranian", "GBP": "استرليني british",
}.items() for word in words.split()}
# Currency signs written before a figure, and the unit each gives.
SIGNS = {"$": "dollar", "€": "euro", "£": "pound:GBP", "¥": "yen"}
# Unit duals carry their number in the noun (`يومين`, two days): they support a "two" or "2" of the English.
UNIT_DUALS = _units({"day": "يومين يومان", "year": "عامين عامان سنتين سنتان", "month": "شهرين شهران",
                     "week": "اسبوعين اسبوعان", "hour": "ساعتين ساعتان", "minute": "دقيقتين دقيقتان"})
