"""The indicator catalogue: the one source of truth for what zoo publishes.

Pages, queries, legends, definitions, downloads, the demo generator and the disclosure build all
read from here. An indicator's `code` is also the allow-list entry that SQL may use.

A deployment adds its own themes and indicators in a TOML file (ZOO_INDICATORS, default
data/indicators.toml if it exists; see catalogue_file): they are merged in at import, after the
built-in entries below, all or nothing. A bad file raises CatalogueError here, so neither the app nor
the command line runs on a half-loaded catalogue.

Disclosure works on *families*: an additive base measure (a count or a sum of euros) plus every
published indicator derived from it (a rate, percentage or mean). All members of a family share
one suppression pattern, because a rate with a public denominator discloses its numerator.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import catalogue_file, settings
from .catalogue_file import CatalogueError

THEMES: dict[str, str] = {
    "vastgoed": "Misbruik van vastgoed",
    "drugs": "Drugsproblematiek",
    "transacties": "Verdachte transacties",
    "branches": "Brancheanalyses",
    "criminaliteit": "Geregistreerde criminaliteit",
    "vakantieparken": "Vakantieparken",
    "context": "Context (CBS Kerncijfers)",
}

LEVELS = ("land", "provincie", "riec", "gemeente", "wijk", "buurt")
LEVEL_NAMES = {
    "land": "Nederland",
    "provincie": "Provincie",
    "riec": "RIEC-regio",
    "gemeente": "Gemeente",
    "wijk": "Wijk",
    "buurt": "Buurt",
}
DEMO_YEARS = (2019, 2020, 2021, 2022, 2023, 2024)
CONTEXT_YEARS = (2024,)
KINDS = ("count", "sum", "rate", "percentage", "mean", "class")
UNIT_TYPES = ("persons", "addresses", "establishments", "euros")

# Risk branches (SBI 2008 codes as in data/open/sbi2008_codes.csv) with the Dutch label users know.
RISK_BRANCHES: dict[str, str] = {
    "96021": "Kappers (haarverzorging)",
    "96022": "Schoonheidsverzorging en nagelstudio's",
    "56102": "Fastfoodrestaurants",
    "45112": "Autohandel (personenauto's)",
    "4742": "Belwinkels (telecommunicatie)",
    "5630": "Cafés (incl. shishalounges)",
}

DEMO_SOURCE = "DEMO-cijfers: gegenereerd door zoo, gebouwd op echte CBS-gebieden en -bevolking"
KWB_SOURCE = "CBS Kerncijfers wijken en buurten 2024 (85984NED), CC BY 4.0"
POLITIE_SOURCE = "Politie (47013NED), open data via data.politie.nl"  # pages print "Bron: " before it
CRIME_YEARS = (2022, 2023, 2024)


@dataclass(frozen=True)
class Indicator:
    code: str
    theme: str
    name: str                      # Dutch, as users see it
    definition: str                # Dutch
    unit: str                      # Dutch unit label for legends and tables
    kind: str                      # one of KINDS
    unit_type: str                 # which disclosure rule set protects it
    family: str                    # the additive base measure whose suppression pattern it shares
    numerator: str | None = None   # catalogue code (or base measure) of the numerator
    denominator: str | None = None # catalogue code of the (public) denominator
    per: float | None = None       # scale of a rate: value = numerator / denominator * per
    levels: tuple[str, ...] = LEVELS
    years: tuple[int, ...] = DEMO_YEARS
    source: str = DEMO_SOURCE
    demo: bool = True
    branches: tuple[str, ...] = ()  # SBI codes when the indicator is published per branche
    decimals: int = 1
    caveat: str = ""
    licence: str = ""
    # A breakdown by a person characteristic (a key of BREAKDOWNS): one cell per class, in the `sbi`
    # column of the release (which holds the branche for branche indicators). Its family is the
    # breakdown family (BaseMeasure.breakdown_of), protected as one two-dimensional table with its total.
    breakdown: str = ""

    @property
    def theme_name(self) -> str:
        return THEMES[self.theme]

    @property
    def has_branches(self) -> bool:
        return bool(self.branches)

    @property
    def categories(self) -> tuple[str, ...]:
        """The codes in the release's `sbi` column: the branches, or the classes of a breakdown."""
        return self.branches or (BREAKDOWNS[self.breakdown].class_codes if self.breakdown else ())

    def category_name(self, code: str) -> str:
        return branch_name(code) if self.branches else BREAKDOWNS[self.breakdown].label(code)

    @property
    def category_kind(self) -> str:
        """What a category is called on a page: "Branche" or the breakdown's name ("Leeftijd")."""
        return "Branche" if self.branches else BREAKDOWNS[self.breakdown].name if self.breakdown else ""

    def value_year(self, year: int) -> int:
        """The year whose value stands for `year`: the year itself where published, else the latest
        (the context figures are 2024 only, so every year's rate divides by the 2024 population)."""
        return int(year) if int(year) in self.years else max(self.years)

    @property
    def is_additive(self) -> bool:
        """Counts and sums add up over areas; other kinds do not."""
        return self.kind in catalogue_file.ADDITIVE_KINDS


@dataclass(frozen=True)
class BaseMeasure:
    """A confidential additive measure from which published indicators are derived."""
    code: str
    measure: str                   # 'count' (value == units) or 'magnitude' (value with contributors)
    unit_type: str
    description: str
    depends_on: str | None = None  # family whose suppressed cells this family must also hide
    branches: tuple[str, ...] = field(default=())
    # What an attacker knows about this measure beyond its own table; the build's audit models it and
    # checks that the base data obey it. `at_most`: never larger than that family's value (same area,
    # year, branche) or that public context indicator. `zero_with`: 0 wherever that family's count is 0.
    at_most: str | None = None
    zero_with: str | None = None
    years: tuple[int, ...] = DEMO_YEARS
    # A deployment's own confidential figures (declared in the indicator file): the CSV the build reads
    # them from. Empty for the demo measures, which the demo generator makes.
    base_file: str = ""
    # A breakdown family: the classes (BREAKDOWNS) of the family `breakdown_of`, per area, with that
    # family as the published margin (area total = sum of the classes of each breakdown). Protected
    # by build._protect_breakdown_chain as one area x class table per year, after its total family.
    breakdown_of: str | None = None
    breakdowns: tuple[str, ...] = ()
    # A flow family: counts from one gemeente (area_code) to another (the `sbi` column of the base),
    # whose row totals split the family `flow_of` (see FlowTable). Protected by build._protect_flow_chain.
    flow_of: str | None = None


@dataclass(frozen=True)
class Breakdown:
    """A person characteristic a count is broken down by: its classes add up to the count."""
    code: str
    name: str                                # Dutch
    classes: tuple[tuple[str, str], ...]     # (class code, Dutch label), in display order

    @property
    def class_codes(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.classes)

    def label(self, code: str) -> str:
        return dict(self.classes).get(code, code)


BREAKDOWNS: dict[str, Breakdown] = {b.code: b for b in [
    Breakdown("leeftijd", "Leeftijd", (("lft_0_17", "jonger dan 18 jaar"), ("lft_18_24", "18 tot 25 jaar"),
                                       ("lft_25_44", "25 tot 45 jaar"), ("lft_45", "45 jaar en ouder"))),
    Breakdown("geslacht", "Geslacht", (("man", "man"), ("vrouw", "vrouw"))),
    Breakdown("familie", "Verdachte familieleden", (("fam_met", "met verdachte familieleden"),
                                                    ("fam_zonder", "zonder verdachte familieleden"))),
]}
# Breakdowns are published for these levels only (wijken and buurten are too small for classes).
BREAKDOWN_LEVELS = ("land", "provincie", "riec", "gemeente")

_ALL_DEMO_LEVELS = LEVELS
# Holiday parks are few per gemeente and small: published per gemeente and up, never per wijk or buurt
# (a wijk with one park would be mostly secret, and a park is often a wijk of its own).
GEMEENTE_AND_UP = ("land", "provincie", "riec", "gemeente")
PARK_YEARS = (2024,)  # the public park register: the 2024 situation, the denominator of every year
_NO_BUURT = ("land", "provincie", "riec", "gemeente", "wijk")
_BRANCH_CODES = tuple(RISK_BRANCHES)
_SIGNAL = "Een relatief hoge waarde is een signaal om het gesprek te beginnen, geen bewijs van ondermijning."
_PARK_CONTEXT = "Openbare context (in werkelijkheid een register van vakantieparken en de BAG), niet geheimgehouden."
_PARK_SIGNAL = (_SIGNAL + " Inschrijving op een vakantiepark is vaak permanente bewoning, die de gemeente wel of niet "
                "toestaat.")

BASE_MEASURES: dict[str, BaseMeasure] = {m.code: m for m in [
    BaseMeasure("verkochte_woningen", "count", "addresses", "Aantal verkochte woningen"),
    BaseMeasure("verkoopsom", "magnitude", "euros", "Som van de verkoopprijzen (EUR), met de twee grootste transacties",
                depends_on="verkochte_woningen", zero_with="verkochte_woningen"),
    BaseMeasure("onverklaarbare_aankopen", "count", "addresses", "Woningaankopen door huishoudens zonder passend inkomen/vermogen",
                depends_on="verkochte_woningen", at_most="verkochte_woningen"),
    BaseMeasure("doorsluishuizen", "count", "addresses", "Woningen die in 20 jaar 5 keer of vaker zijn doorverkocht",
                at_most="ctx_woningvoorraad"),
    BaseMeasure("stichting_woningen", "count", "addresses", "Woningen in bezit van stichtingen met een alleenbestuurder",
                at_most="ctx_woningvoorraad"),
    BaseMeasure("hennep", "count", "addresses", "Geruimde hennepkwekerijen"),
    BaseMeasure("drugsverdachten", "count", "persons", "Verdachten van drugsdelicten (woonachtig)",
                at_most="ctx_inwoners"),
    BaseMeasure("drugsverdachten_elders", "count", "persons", "Drugsverdachten die het delict in een andere gemeente pleegden",
                depends_on="drugsverdachten", at_most="drugsverdachten"),
    BaseMeasure("drugsverdachten_kenmerken", "count", "persons",
                "Drugsverdachten naar leeftijd, geslacht en verdachte familieleden (gemeente en hoger)",
                breakdown_of="drugsverdachten", breakdowns=("leeftijd", "geslacht", "familie")),
    BaseMeasure("drugsverdachten_stromen", "count", "persons",
                "Drugsverdachten van woongemeente naar pleeggemeente (gemeenten)", flow_of="drugsverdachten_elders"),
    BaseMeasure("hennep_bewoners", "count", "persons", "Bewoners van adressen met een geruimde hennepkwekerij",
                at_most="ctx_inwoners"),
    BaseMeasure("hennep_bewoners_kenmerken", "count", "persons",
                "Bewoners van geruimde hennepkwekerijen naar leeftijd en geslacht (gemeente en hoger)",
                breakdown_of="hennep_bewoners", breakdowns=("leeftijd", "geslacht")),
    BaseMeasure("jonge_aanwas", "count", "persons", "Jongeren (15-24) met het profiel van drugsverdachten",
                at_most="ctx_jongeren"),
    BaseMeasure("fiu_transacties", "magnitude", "persons", "Verdachte transacties (FIU), met aantal betrokken personen"),
    BaseMeasure("contante_aankopen", "magnitude", "persons", "Contante aankopen boven EUR 10.000, met aantal kopers"),
    # Vakantieparken: who is registered at a holiday-park address. The parks and their addresses are public
    # (vp_parken, vp_adressen: a park register and BAG); the registrations are the protected counts. Where a
    # gemeente has no holiday-park address, every registration count is publicly 0 (zero_with).
    BaseMeasure("vp_natuurlijke_personen", "count", "persons",
                "Natuurlijke personen ingeschreven (BRP) op een vakantieparkadres", zero_with="vp_adressen"),
    BaseMeasure("vp_rechtspersonen", "count", "establishments",
                "Rechtspersonen ingeschreven (KvK) op een vakantieparkadres", zero_with="vp_adressen"),
    BaseMeasure("vp_woningbezit_elders", "count", "persons",
                "Ingeschreven natuurlijke personen op een vakantieparkadres met woningbezit elders",
                depends_on="vp_natuurlijke_personen", at_most="vp_natuurlijke_personen"),
    BaseMeasure("vp_alleenstaande_ouders_schulden", "count", "persons",
                "Alleenstaande ouders met problematische schulden ingeschreven op een vakantieparkadres",
                depends_on="vp_natuurlijke_personen", at_most="vp_natuurlijke_personen"),
    BaseMeasure("vestigingen", "count", "establishments", "Vestigingen in een risicobranche", branches=_BRANCH_CODES),
    BaseMeasure("omzet", "magnitude", "euros", "Omzet van vestigingen in een risicobranche (EUR)", branches=_BRANCH_CODES,
                depends_on="vestigingen", zero_with="vestigingen"),
]}


def _demo(code, theme, name, definition, unit, kind, unit_type, family, **kw) -> Indicator:
    return Indicator(code, theme, name, definition, unit, kind, unit_type, family, **kw)


def _context(code, name, definition, unit, kind, decimals=0, levels=("land", "provincie", "riec", "gemeente", "wijk", "buurt")):
    return Indicator(code, "context", name, definition, unit, kind, "persons", family="", levels=levels,
                     years=CONTEXT_YEARS, source=KWB_SOURCE, demo=False, decimals=decimals,
                     caveat="Echte CBS-cijfers; door CBS geheimgehouden waarden staan als ontbrekend.")


INDICATORS: dict[str, Indicator] = {i.code: i for i in [
    # --- Misbruik van vastgoed -------------------------------------------------------------
    _demo("vg_verkochte_woningen", "vastgoed", "Verkochte woningen", "Aantal woningen dat in het jaar van eigenaar wisselde.",
          "woningen", "count", "addresses", "verkochte_woningen", numerator="verkochte_woningen", decimals=0,
          caveat="Woningmarktcontext; geen signaal op zich."),
    _demo("vg_verkoopprijs", "vastgoed", "Gemiddelde verkoopprijs", "Gemiddelde prijs van de in het jaar verkochte woningen.",
          "euro", "mean", "euros", "verkoopsom", numerator="verkoopsom", denominator="vg_verkochte_woningen", decimals=0,
          caveat="Woningmarktcontext; een gemiddelde wordt alleen getoond als geen enkele verkoop domineert."),
    _demo("vg_onverklaarbare_aankopen", "vastgoed", "Onverklaarbare woningaankopen (aantal)",
          "Aankopen door huishoudens waarvan de koopprijs hoger is dan wat zij op basis van inkomen en vermogen kunnen besteden.",
          "aankopen", "count", "addresses", "onverklaarbare_aankopen", numerator="onverklaarbare_aankopen", decimals=0,
          caveat=_SIGNAL),
    _demo("vg_onverklaarbare_aankopen_pct", "vastgoed", "Onverklaarbare woningaankopen (%)",
          "Aandeel van de verkochte woningen dat is gekocht door een huishouden zonder passend inkomen of vermogen.",
          "% van aankopen", "percentage", "addresses", "onverklaarbare_aankopen",
          numerator="onverklaarbare_aankopen", denominator="vg_verkochte_woningen", per=100, caveat=_SIGNAL),
    _demo("vg_doorsluishuizen", "vastgoed", "Doorsluishuizen (aantal)",
          "Woningen die binnen 20 jaar 5 keer of vaker zijn doorverkocht.", "woningen", "count", "addresses",
          "doorsluishuizen", numerator="doorsluishuizen", decimals=0, caveat=_SIGNAL),
    _demo("vg_doorsluishuizen_per_1000", "vastgoed", "Doorsluishuizen per 1.000 woningen",
          "Doorsluishuizen per 1.000 woningen in de woningvoorraad (2024).", "per 1.000 woningen", "rate", "addresses",
          "doorsluishuizen", numerator="doorsluishuizen", denominator="ctx_woningvoorraad", per=1000, decimals=2, caveat=_SIGNAL),
    _demo("vg_stichting_woningen", "vastgoed", "Woningen van stichtingen met alleenbestuurder",
          "Woningen in bezit van een stichting met één bestuurder (een bekende constructie om eigendom af te schermen).",
          "woningen", "count", "addresses", "stichting_woningen", numerator="stichting_woningen", decimals=0, caveat=_SIGNAL),
    _demo("vg_stichting_woningen_per_1000", "vastgoed", "Woningen van stichtingen met alleenbestuurder per 1.000 woningen",
          "Woningen in bezit van een stichting met één bestuurder per 1.000 woningen (2024).", "per 1.000 woningen", "rate",
          "addresses", "stichting_woningen", numerator="stichting_woningen", denominator="ctx_woningvoorraad", per=1000,
          decimals=2, caveat=_SIGNAL),
    # --- Drugsproblematiek ------------------------------------------------------------------
    _demo("dr_hennep", "drugs", "Geruimde hennepkwekerijen (aantal)", "Door politie geruimde hennepkwekerijen op een adres in het gebied.",
          "kwekerijen", "count", "addresses", "hennep", numerator="hennep", decimals=0, caveat=_SIGNAL),
    _demo("dr_hennep_per_1000", "drugs", "Geruimde hennepkwekerijen per 1.000 woningen",
          "Geruimde hennepkwekerijen per 1.000 woningen (woningvoorraad 2024).", "per 1.000 woningen", "rate", "addresses",
          "hennep", numerator="hennep", denominator="ctx_woningvoorraad", per=1000, decimals=2, caveat=_SIGNAL),
    _demo("dr_verdachten", "drugs", "Verdachten van drugsdelicten (aantal)", "Inwoners die in het jaar verdacht zijn van een drugsdelict.",
          "personen", "count", "persons", "drugsverdachten", numerator="drugsverdachten", decimals=0, caveat=_SIGNAL),
    _demo("dr_verdachten_per_1000", "drugs", "Verdachten van drugsdelicten per 1.000 inwoners",
          "Inwoners verdacht van een drugsdelict per 1.000 inwoners (bevolking 2024).", "per 1.000 inwoners", "rate", "persons",
          "drugsverdachten", numerator="drugsverdachten", denominator="ctx_inwoners", per=1000, decimals=2, caveat=_SIGNAL),
    _demo("dr_verdachten_elders_pct", "drugs", "Drugsverdachten met delict elders (%)",
          "Aandeel van de drugsverdachten die hier wonen en het delict in een andere gemeente pleegden (woon- versus pleeggemeente).",
          "% van verdachten", "percentage", "persons", "drugsverdachten_elders",
          numerator="drugsverdachten_elders", denominator="dr_verdachten", per=100, caveat=_SIGNAL),
    _demo("dr_hennep_bewoners", "drugs", "Bewoners van geruimde hennepkwekerijen (aantal)",
          "Personen die op 1 januari ingeschreven stonden op een adres waar in het jaar een hennepkwekerij is geruimd.",
          "bewoners", "count", "persons", "hennep_bewoners", numerator="hennep_bewoners", decimals=0,
          caveat=_SIGNAL + " Een bewoner is niet per se betrokken bij de kwekerij."),
    # Breakdowns (kenmerken): shown on the theme page as classes of the chosen area against its reference.
    _demo("dr_verdachten_leeftijd", "drugs", "Drugsverdachten naar leeftijd",
          "Inwoners verdacht van een drugsdelict, naar leeftijdsklasse; de klassen tellen op tot het aantal verdachten.",
          "personen", "count", "persons", "drugsverdachten_kenmerken", numerator="drugsverdachten_kenmerken",
          levels=BREAKDOWN_LEVELS, decimals=0, breakdown="leeftijd", caveat=_SIGNAL),
    _demo("dr_verdachten_geslacht", "drugs", "Drugsverdachten naar geslacht",
          "Inwoners verdacht van een drugsdelict, naar geslacht.", "personen", "count", "persons",
          "drugsverdachten_kenmerken", numerator="drugsverdachten_kenmerken", levels=BREAKDOWN_LEVELS, decimals=0,
          breakdown="geslacht", caveat=_SIGNAL),
    _demo("dr_verdachten_familie", "drugs", "Drugsverdachten met verdachte familieleden",
          "Inwoners verdacht van een drugsdelict, naar of een ouder, broer, zus, partner of kind in de afgelopen vijf "
          "jaar ook verdacht was van een drugsdelict.", "personen", "count", "persons", "drugsverdachten_kenmerken",
          numerator="drugsverdachten_kenmerken", levels=BREAKDOWN_LEVELS, decimals=0, breakdown="familie",
          caveat=_SIGNAL),
    _demo("dr_hennep_bewoners_leeftijd", "drugs", "Bewoners van geruimde hennepkwekerijen naar leeftijd",
          "Bewoners van adressen met een geruimde hennepkwekerij, naar leeftijdsklasse.", "bewoners", "count",
          "persons", "hennep_bewoners_kenmerken", numerator="hennep_bewoners_kenmerken", levels=BREAKDOWN_LEVELS,
          decimals=0, breakdown="leeftijd", caveat=_SIGNAL),
    _demo("dr_hennep_bewoners_geslacht", "drugs", "Bewoners van geruimde hennepkwekerijen naar geslacht",
          "Bewoners van adressen met een geruimde hennepkwekerij, naar geslacht.", "bewoners", "count", "persons",
          "hennep_bewoners_kenmerken", numerator="hennep_bewoners_kenmerken", levels=BREAKDOWN_LEVELS, decimals=0,
          breakdown="geslacht", caveat=_SIGNAL),
    _demo("dr_jonge_aanwas", "drugs", "Jonge aanwas (aantal)",
          "Jongeren van 15 tot 25 jaar met een profiel dat lijkt op dat van drugsverdachten (model).", "jongeren", "count",
          "persons", "jonge_aanwas", numerator="jonge_aanwas", decimals=0, caveat=_SIGNAL + " Het is een modeluitkomst."),
    _demo("dr_jonge_aanwas_pct", "drugs", "Jonge aanwas (% van de jongeren)",
          "Aandeel van de jongeren van 15 tot 25 jaar met een profiel dat lijkt op dat van drugsverdachten (model).",
          "% van jongeren", "percentage", "persons", "jonge_aanwas", numerator="jonge_aanwas",
          denominator="ctx_jongeren", per=100, caveat=_SIGNAL + " Het is een modeluitkomst."),
    # --- Verdachte transacties --------------------------------------------------------------
    _demo("tr_fiu", "transacties", "Verdachte transacties (aantal)",
          "Door de FIU verdacht verklaarde transacties van inwoners en bedrijven in het gebied.", "transacties", "count",
          "persons", "fiu_transacties", numerator="fiu_transacties", decimals=0, caveat=_SIGNAL),
    _demo("tr_fiu_per_1000", "transacties", "Verdachte transacties per 1.000 inwoners",
          "Verdacht verklaarde transacties (FIU) per 1.000 inwoners (bevolking 2024).", "per 1.000 inwoners", "rate", "persons",
          "fiu_transacties", numerator="fiu_transacties", denominator="ctx_inwoners", per=1000, decimals=2, caveat=_SIGNAL),
    _demo("tr_contant", "transacties", "Contante aankopen boven EUR 10.000 (aantal)",
          "Gemelde contante aankopen van meer dan EUR 10.000 door inwoners van het gebied.", "aankopen", "count", "persons",
          "contante_aankopen", numerator="contante_aankopen", decimals=0, caveat=_SIGNAL),
    _demo("tr_contant_per_1000", "transacties", "Contante aankopen boven EUR 10.000 per 1.000 inwoners",
          "Gemelde contante aankopen boven EUR 10.000 per 1.000 inwoners (bevolking 2024).", "per 1.000 inwoners", "rate",
          "persons", "contante_aankopen", numerator="contante_aankopen", denominator="ctx_inwoners", per=1000, decimals=2,
          caveat=_SIGNAL),
    # --- Brancheanalyses (per SBI-branche) ---------------------------------------------------
    _demo("br_vestigingen", "branches", "Vestigingen in de branche (aantal)", "Aantal vestigingen in de branche (KvK/ABR).",
          "vestigingen", "count", "establishments", "vestigingen", numerator="vestigingen", branches=_BRANCH_CODES,
          levels=_NO_BUURT + ("buurt",), decimals=0, caveat=_SIGNAL),
    _demo("br_vestigingen_per_10k", "branches", "Vestigingen per 10.000 inwoners",
          "Vestigingen in de branche per 10.000 inwoners (bevolking 2024).", "per 10.000 inwoners", "rate", "establishments",
          "vestigingen", numerator="vestigingen", denominator="ctx_inwoners", per=10_000, branches=_BRANCH_CODES,
          decimals=2, caveat=_SIGNAL),
    _demo("br_omzet_per_inwoner", "branches", "Omzet per inwoner", "Omzet van de vestigingen in de branche per inwoner (EUR).",
          "euro per inwoner", "rate", "euros", "omzet", numerator="omzet", denominator="ctx_inwoners", per=1,
          branches=_BRANCH_CODES, decimals=2,
          caveat=_SIGNAL + " Omzet wordt alleen getoond als er genoeg vestigingen zijn en geen enkele domineert."),
    # --- Vakantieparken (gemeente and up) -----------------------------------------------------
    # Public context: the parks and their addresses (in reality a provincial park register and the BAG), not
    # protected; demo figures here. Denominators of the rates below, and the public bound "0 registrations
    # where a gemeente has no holiday-park address".
    _demo("vp_parken", "vakantieparken", "Vakantieparken (aantal)",
          "Aantal vakantieparken (recreatieparken met recreatiewoningen of chalets) in de gemeente.",
          "vakantieparken", "count", "addresses", "", numerator="vp_parken", levels=GEMEENTE_AND_UP,
          years=PARK_YEARS, decimals=0,
          caveat=_PARK_CONTEXT + " Een gemeente zonder vakantieparken heeft 0; de cijfers per adres zijn daar '.'."),
    _demo("vp_adressen", "vakantieparken", "Adressen op vakantieparken (aantal)",
          "Aantal adressen (verblijfsobjecten) op de vakantieparken in de gemeente.", "adressen", "count",
          "addresses", "", numerator="vp_adressen", levels=GEMEENTE_AND_UP, years=PARK_YEARS, decimals=0,
          caveat=_PARK_CONTEXT),
    _demo("vp_personen", "vakantieparken", "Natuurlijke personen ingeschreven op vakantieparkadressen (aantal)",
          "Personen die op 1 januari in de BRP ingeschreven stonden op een adres op een vakantiepark.", "personen",
          "count", "persons", "vp_natuurlijke_personen", numerator="vp_natuurlijke_personen",
          levels=GEMEENTE_AND_UP, decimals=0, caveat=_PARK_SIGNAL),
    _demo("vp_personen_per_100", "vakantieparken", "Natuurlijke personen per 100 vakantieparkadressen",
          "In de BRP ingeschreven personen per 100 adressen op vakantieparken (adressen 2024).",
          "per 100 adressen", "rate", "persons", "vp_natuurlijke_personen", numerator="vp_natuurlijke_personen",
          denominator="vp_adressen", per=100, levels=GEMEENTE_AND_UP, decimals=1, caveat=_PARK_SIGNAL),
    _demo("vp_rechtspersonen", "vakantieparken", "Rechtspersonen ingeschreven op vakantieparkadressen (aantal)",
          "Rechtspersonen (bv's, stichtingen, verenigingen) met een vestigings- of postadres in het "
          "Handelsregister op een adres op een vakantiepark.", "rechtspersonen", "count", "establishments",
          "vp_rechtspersonen", numerator="vp_rechtspersonen", levels=GEMEENTE_AND_UP, decimals=0,
          caveat=_PARK_SIGNAL + " De exploitant van een park is ook een rechtspersoon."),
    _demo("vp_rechtspersonen_per_100", "vakantieparken", "Rechtspersonen per 100 vakantieparkadressen",
          "Ingeschreven rechtspersonen per 100 adressen op vakantieparken (adressen 2024).", "per 100 adressen",
          "rate", "establishments", "vp_rechtspersonen", numerator="vp_rechtspersonen", denominator="vp_adressen",
          per=100, levels=GEMEENTE_AND_UP, decimals=1, caveat=_PARK_SIGNAL),
    _demo("vp_woningbezit_elders", "vakantieparken", "Ingeschrevenen met woningbezit elders (aantal)",
          "Op een vakantieparkadres ingeschreven personen die elders in Nederland een woning in eigendom hebben "
          "(Kadaster).", "personen", "count", "persons", "vp_woningbezit_elders", numerator="vp_woningbezit_elders",
          levels=GEMEENTE_AND_UP, decimals=0, caveat=_PARK_SIGNAL),
    _demo("vp_woningbezit_elders_pct", "vakantieparken", "Ingeschrevenen met woningbezit elders (%)",
          "Aandeel van de op een vakantieparkadres ingeschreven natuurlijke personen dat elders een woning in "
          "eigendom heeft.", "% van ingeschrevenen", "percentage", "persons", "vp_woningbezit_elders",
          numerator="vp_woningbezit_elders", denominator="vp_personen", per=100, levels=GEMEENTE_AND_UP,
          caveat=_PARK_SIGNAL),
    _demo("vp_alleenstaande_ouders", "vakantieparken", "Alleenstaande ouders met schulden op een vakantiepark (aantal)",
          "Op een vakantieparkadres ingeschreven alleenstaande ouders met problematische schulden "
          "(schuldhulpverlening of betalingsachterstanden).", "personen", "count", "persons",
          "vp_alleenstaande_ouders_schulden", numerator="vp_alleenstaande_ouders_schulden", levels=GEMEENTE_AND_UP,
          decimals=0, caveat=_PARK_SIGNAL + " Het gaat om kwetsbare bewoners, niet om verdachten."),
    _demo("vp_alleenstaande_ouders_pct", "vakantieparken", "Alleenstaande ouders met schulden op een vakantiepark (%)",
          "Aandeel alleenstaande ouders met problematische schulden onder de op een vakantieparkadres ingeschreven "
          "natuurlijke personen.", "% van ingeschrevenen", "percentage", "persons", "vp_alleenstaande_ouders_schulden",
          numerator="vp_alleenstaande_ouders_schulden", denominator="vp_personen", per=100, levels=GEMEENTE_AND_UP,
          caveat=_PARK_SIGNAL + " Het gaat om kwetsbare bewoners, niet om verdachten."),
    # --- Geregistreerde criminaliteit: a real public table (politie 47013NED), published as it is -----
    Indicator("cr_misdrijven", "criminaliteit", "Geregistreerde misdrijven (aantal)",
              "Door de politie geregistreerde misdrijven (totaal misdrijven) naar gemeente van de pleegplaats, "
              "zoals gepubliceerd in politietabel 47013NED.", "misdrijven", "count", "persons", family="",
              numerator="cr_misdrijven", levels=("land", "provincie", "riec", "gemeente"), years=CRIME_YEARS,
              source=POLITIE_SOURCE, demo=False, decimals=0,
              caveat="Echte cijfers van de politie. Nederland en de politie-eenheden (RIEC-regio's) zoals gepubliceerd, "
                     "inclusief misdrijven die niet aan een gemeente zijn toe te delen; provincies zijn de som van hun "
                     "gemeenten. Een registratie zegt ook iets over aangiftebereidheid en politie-inzet."),
    Indicator("cr_misdrijven_per_1000", "criminaliteit", "Geregistreerde misdrijven per 1.000 inwoners",
              "Door de politie geregistreerde misdrijven (totaal, politietabel 47013NED) per 1.000 inwoners; voor "
              "elk jaar gedeeld door de bevolking op 1 januari 2024 (CBS Kerncijfers 2024).", "per 1.000 inwoners",
              "rate", "persons", family="", numerator="cr_misdrijven", denominator="ctx_inwoners", per=1000,
              levels=("land", "provincie", "riec", "gemeente"), years=CRIME_YEARS, source=POLITIE_SOURCE,
              demo=False, decimals=2,
              caveat="Echte cijfers van de politie. Alle jaren op de bevolking van 2024: voor 2022 en 2023 wijkt dat "
                     "iets af van een cijfer op de bevolking van dat jaar. " + _SIGNAL),
    # --- Context: real CBS Kerncijfers 2024 --------------------------------------------------
    _context("ctx_inwoners", "Inwoners", "Aantal inwoners op 1 januari 2024.", "inwoners", "count"),
    _context("ctx_woningvoorraad", "Woningvoorraad", "Aantal woningen op 1 januari 2024.", "woningen", "count"),
    _context("ctx_jongeren", "Jongeren 15-24 jaar",
             "Inwoners van 15 tot 25 jaar (inwoners x CBS-percentage 15-25 jaar, afgerond).", "inwoners", "count"),
    _context("ctx_bedrijfsvestigingen", "Bedrijfsvestigingen", "Aantal bedrijfsvestigingen (alle sectoren).",
             "vestigingen", "count"),
    _context("ctx_vestigingen_handel_horeca", "Vestigingen handel en horeca", "Bedrijfsvestigingen in sector G+I.",
             "vestigingen", "count"),
    _context("ctx_vestigingen_cultuur_overig", "Vestigingen cultuur, recreatie en overige diensten",
             "Bedrijfsvestigingen in sector R+U (o.a. kappers, schoonheidsverzorging).", "vestigingen", "count"),
    _context("ctx_woz", "Gemiddelde WOZ-waarde", "Gemiddelde WOZ-waarde van woningen (x 1.000 euro).", "x 1.000 euro", "mean",
             levels=("gemeente", "wijk", "buurt")),
    _context("ctx_inkomen", "Gemiddeld inkomen per inwoner", "Gemiddeld persoonlijk inkomen per inwoner (x 1.000 euro).",
             "x 1.000 euro", "mean", decimals=1, levels=("gemeente", "wijk")),
    _context("ctx_koopwoningen_pct", "Koopwoningen (%)", "Aandeel koopwoningen in de woningvoorraad.", "%", "percentage",
             levels=("gemeente", "wijk", "buurt")),
    _context("ctx_stedelijkheid", "Stedelijkheid", "CBS-stedelijkheidsklasse: 1 = zeer sterk stedelijk (>= 2.500 adressen/km2) "
             "tot 5 = niet stedelijk (< 500 adressen/km2).", "klasse 1-5", "class", levels=("gemeente", "wijk", "buurt")),
]}


@dataclass(frozen=True)
class FlowTable:
    """A published origin x destination table of gemeenten (woon- versus pleeggemeente), per year.

    Row g: the residents of g counted in `total` (a published count indicator), split into those who
    committed the offence in g itself and those counted in `elsewhere` (the numerator family of a
    published percentage), who are spread over the other gemeenten. Column p: its total (everyone with
    the offence in p), the listed flows into p and one cell for the residents of every gemeente whose
    row does not list p (see build.flow_cross). Release table `flows`."""
    code: str
    theme: str
    name: str            # Dutch
    definition: str      # Dutch
    unit: str
    family: str          # the base measure of the flows
    total: str           # indicator code of the row totals
    elsewhere: str       # indicator code of the share committed elsewhere
    # The pleeggemeenten a row lists by name, besides its own gemeente and its bordering gemeenten
    # (public facts, so which cells a row has says nothing about the flows); every other pleeggemeente
    # of the row is in one cell OTHER.
    always_to: tuple[str, ...] = ()
    source: str = DEMO_SOURCE
    demo: bool = True

    OTHER = "overig"  # as pleeg_code: a row's other pleeggemeenten; as woon_code: a column's other woongemeenten
    ALL = "totaal"    # as woon_code: a pleeggemeente's column total; woon and pleeg ALL: all flows

    @property
    def total_family(self) -> str:
        return INDICATORS[self.total].family

    @property
    def elsewhere_family(self) -> str:
        return INDICATORS[self.elsewhere].family


FLOWS: dict[str, FlowTable] = {f.code: f for f in [
    FlowTable("dr_woon_pleeg", "drugs", "Woon- versus pleeggemeente van drugsverdachten",
              "Verdachten van een drugsdelict naar de gemeente waar ze wonen en de gemeente waar ze het delict "
              "pleegden.", "personen", "drugsverdachten_stromen", total="dr_verdachten",
              elsewhere="dr_verdachten_elders_pct",
              always_to=("GM0363", "GM0599", "GM0518", "GM0344")),  # the four big cities
]}


def flow_table(family: str = "drugsverdachten_stromen") -> FlowTable:
    return next(f for f in FLOWS.values() if f.family == family)


def flows_for(theme: str) -> list[FlowTable]:
    return [f for f in FLOWS.values() if f.theme == theme]


def get(code: str) -> Indicator:
    """Look up an indicator; a KeyError names the unknown code."""
    try:
        return INDICATORS[code]
    except KeyError:
        raise KeyError(f"onbekende indicator: {code!r}") from None


def for_theme(theme: str) -> list[Indicator]:
    """The indicators of a theme that have one value per area (breakdowns: `breakdowns_for`)."""
    return [i for i in INDICATORS.values() if i.theme == theme and not i.breakdown]


def breakdowns_for(theme: str) -> list[Indicator]:
    """The breakdown indicators of a theme (one value per area and class)."""
    return [i for i in INDICATORS.values() if i.theme == theme and i.breakdown]


def breakdown_total(ind: Indicator) -> Indicator:
    """The published margin of a breakdown: the count indicator of the family it breaks down."""
    total_family = BASE_MEASURES[ind.family].breakdown_of
    return next(i for i in INDICATORS.values() if i.family == total_family and i.kind == "count" and not i.breakdown)


def protected_by_build(ind: Indicator) -> bool:
    """A deployment's own confidential indicator: its cells come only from the build's disclosure control."""
    measure = BASE_MEASURES.get(ind.family)
    return measure is not None and bool(measure.base_file)


def family_members(family: str) -> list[Indicator]:
    return [i for i in INDICATORS.values() if i.family == family]


def family_order() -> list[str]:
    """Families in dependency order: a family comes after the one whose pattern it inherits."""
    ordered: list[str] = []
    def visit(code: str) -> None:
        if code in ordered:
            return
        dep = BASE_MEASURES[code].depends_on
        if dep:
            visit(dep)
        ordered.append(code)
    for code in BASE_MEASURES:
        visit(code)
    return ordered


def family_levels(family: str) -> tuple[str, ...]:
    """The levels a family is published on (the union over its members, in LEVELS order). A family published
    on part of the levels (vakantieparken: gemeente and up) is protected over the areas of those levels only:
    the relations below them are not published, so they neither help an attacker nor need protecting."""
    levels = {lvl for i in family_members(family) for lvl in i.levels}
    return tuple(lvl for lvl in LEVELS if lvl in levels) or LEVELS


def demo_themes() -> list[str]:
    """The built-in themes with demo ondermijning indicators (the profile's themes; not context, not the real
    crime figures, not a deployment's own themes)."""
    return [t for t in BUILT_IN_THEMES if t != "context" and any(i.demo for i in for_theme(t))]


def branch_name(sbi: str) -> str:
    return RISK_BRANCHES.get(sbi, sbi)


# --- A deployment's own entries (the indicator file) ---------------------------------------------
BUILT_IN_THEMES = tuple(THEMES)


def declared_themes() -> list[str]:
    """Themes that come from the indicator file (each gets the generic theme page)."""
    return [t for t in THEMES if t not in BUILT_IN_THEMES]


def load_file(path: Path) -> list[str]:
    """Add the themes and indicators declared in `path`; returns the new indicator codes. The whole file
    is checked first (CatalogueError names file, entry and field); on an error nothing is added."""
    themes, declared = catalogue_file.read(path, themes=THEMES, indicators=INDICATORS, kinds=KINDS, levels=LEVELS,
                                           unit_types=UNIT_TYPES, reserved_codes=BASE_MEASURES)
    indicators, measures = {}, {}
    for fields in declared:
        extra = {k: fields.pop(k) for k in ("disclosure", "base_file", "at_most")}
        ind = Indicator(**fields)
        indicators[ind.code] = ind
        if extra["base_file"]:
            measures[ind.code] = BaseMeasure(ind.code, "count" if ind.kind == "count" else "magnitude", ind.unit_type,
                                             ind.name, at_most=extra["at_most"], years=ind.years,
                                             base_file=extra["base_file"])
    THEMES.update(themes)
    INDICATORS.update(indicators)
    BASE_MEASURES.update(measures)
    return list(indicators)


def _load_setting() -> None:
    path = Path(settings.INDICATORS.get())
    if path.exists():
        load_file(path)
    elif settings.INDICATORS.get() != settings.INDICATORS.default:
        raise CatalogueError(f"{catalogue_file.display(path)}: {settings.INDICATORS.name} names an indicator file "
                             "that does not exist")


_load_setting()
