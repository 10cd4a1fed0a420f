"""Seeded generator of realistic DEMO base figures on the real 2024 areas and populations.

The real ZoO figures are not public as files, so zoo ships this generator. Everything it makes is
labelled as demo in the app. Assumptions (all documented in the README and on "Over de data"):

- Figures are generated on the finest areas (buurten in the 12 Rijnmond gemeenten, wijken elsewhere)
  and summed upwards, so every published hierarchy adds up exactly, as real CBS tables do.
- Expected values scale with the real denominator (inwoners, woningvoorraad, jongeren 15-24) and a
  log-linear risk score: urbanisation (CBS stedelijkheid), low income, a provincie effect, a gemeente
  and a wijk random effect, a measure-specific yearly trend and year-to-year Poisson noise.
- About 6 % of the urban, lower-income wijken are "clusters": suspicious transactions, cash purchases,
  kappers, nagelstudio's, belwinkels and cafés with high turnover co-occur there, the pattern the
  original dashboard was built to surface.
- Hennepkwekerijen are more frequent in Noord-Brabant, Limburg and Gelderland and in less urban areas.
- Magnitudes (turnover, sale prices, transactions per person) carry the number of contributors and the
  two largest contributions, which disclosure control needs for threshold and dominance rules.
- Denominators are the real 2024 figures for every year (the 2024 area division throughout).
- Kenmerken (breakdowns): each area's drugsverdachten are split at random (multinomial) over age
  classes (<18 8 %, 18-24 30 %, 25-44 40 %, 45+ 22 %; urban areas a little younger), sex (86 % men)
  and "met verdachte familieleden" (22 %, 32 % in a cluster wijk). 35 % of geruimde hennepkwekerijen
  have no residents (empty house, business unit); an inhabited one has 1 + Poisson(1.3) residents,
  split over the same age classes (18 / 12 / 40 / 30 %) and sex (58 % men). The classes add up
  exactly to the area's total, and are drawn from their own random stream (the other figures do not
  change with them).
- Woon- versus pleeggemeente: of a gemeente's drugsverdachten, those "met delict elders" (the
  published count) are spread at random (multinomial) over the other gemeenten with weight
  inwoners x exp(-distance / 10 km) (distance between a point inside each gemeente): mostly to the
  neighbours, and to a big city further away; the rest committed the offence in their own gemeente.
  The flows are drawn per gemeente from the aggregated counts, so every row adds up exactly.
- Vakantieparken (there is no open file of holiday parks in data/open, so where they are is an assumption):
  per gemeente Poisson(land area (CBS oppervlakte land) / 10,000 ha x 1.2 x exp(provincie effect + 0.5 x
  (stedelijkheid - 3) + N(0, 1))), never in stedelijkheid 1 (about 2,000 parks); provincie effects Gelderland (Veluwe), Drenthe
  and Zeeland +1.0, Overijssel and Limburg +0.6, Fryslân +0.5 and Noord-Holland +0.4 (coast and Waddeneilanden),
  Noord-Brabant +0.3, Utrecht and Flevoland 0, Groningen -0.3, Zuid-Holland -0.6; about a third of the
  gemeenten have none. A park has 10 + lognormal(median 70, sigma 0.9) addresses; parks and addresses are the 2024
  situation for every year and are published as public context (a park register and the BAG are public).
  Per park a share of permanent living Beta(2, 7) (mean 22 %, +4 % a year): inhabited addresses are
  binomial, with 1 + Poisson(0.8) persons each; rechtspersonen: the exploitant (60 % of the parks) plus
  Poisson(3 % of the addresses); persons with woningbezit elders binomial with a park share U(10 %, 25 %);
  alleenstaande ouders met schulden binomial with 3 % + 12 % x the park's share of permanent living. A
  gemeente without parks has 0 of everything (publicly: its published 0 addresses). Own random stream.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import catalogue, geography

# The assumptions of the module docstring in Dutch, as "Over de data" shows them (keep both in step).
ASSUMPTIONS_NL = (
    "De cijfers worden gemaakt op de fijnste gebieden (buurten in de 12 Rijnmondgemeenten, elders wijken) en "
    "naar boven opgeteld, zodat elke gepubliceerde indeling precies optelt, zoals bij echte CBS-tabellen.",
    "De verwachte waarden schalen met de echte noemer (inwoners, woningvoorraad, jongeren van 15 tot 25 jaar) "
    "en met een log-lineaire risicoscore: stedelijkheid (CBS-stedelijkheidsklasse), laag inkomen, een effect "
    "per provincie, een toevallig effect per gemeente en per wijk, een trend per jaar en toevallige "
    "(Poisson-)variatie van jaar tot jaar.",
    "Ongeveer 6% van de stedelijke wijken met lagere inkomens is een 'cluster': verdachte transacties, "
    "contante aankopen en kappers, nagelstudio's, belwinkels en cafés met een hoge omzet komen daar samen "
    "voor. Dat is het patroon waarvoor het oorspronkelijke dashboard is gemaakt.",
    "Geruimde hennepkwekerijen komen vaker voor in Noord-Brabant, Limburg en Gelderland en in minder "
    "stedelijke gebieden.",
    "Bij bedragen (omzet, verkoopprijzen, transacties per persoon) horen het aantal bijdragers en de twee "
    "grootste bijdragen: de geheimhouding heeft die nodig voor de drempel- en dominantieregels.",
    "De noemers zijn voor elk jaar de echte cijfers van 2024; alle jaren staan op de gebiedsindeling 2024.",
    "Kenmerken: de drugsverdachten van elk gebied worden willekeurig verdeeld over leeftijdsklassen (jonger dan 18 "
    "jaar 8%, 18 tot 25 jaar 30%, 25 tot 45 jaar 40%, 45 jaar en ouder 22%; in stedelijke gebieden iets jonger), "
    "geslacht (86% man) en 'met verdachte familieleden' (22%, in een clusterwijk 32%).",
    "Bij 35% van de geruimde hennepkwekerijen woont niemand (leegstaand huis, bedrijfsruimte); een bewoonde "
    "kwekerij heeft 1 plus gemiddeld 1,3 bewoners, verdeeld over dezelfde leeftijdsklassen (18, 12, 40 en 30%) "
    "en geslacht (58% man). De klassen tellen precies op tot het totaal van het gebied.",
    "Woon- versus pleeggemeente: de drugsverdachten 'met delict elders' van een gemeente worden willekeurig "
    "verdeeld over de andere gemeenten, met als gewicht het aantal inwoners maal e^(-afstand / 10 km): vooral "
    "naar de buurgemeenten en naar een grote stad verderop. De overige verdachten pleegden het delict in hun "
    "eigen gemeente; elke rij telt precies op.",
    "Vakantieparken: er is geen open bestand van vakantieparken, dus waar ze liggen is een aanname. Per gemeente "
    "een Poisson-aantal dat schaalt met het landoppervlak (CBS) en groter is in minder stedelijke gemeenten en in "
    "Gelderland (Veluwe), Drenthe en Zeeland, dan Overijssel en Limburg, Fryslân en Noord-Holland (kust en "
    "Waddeneilanden), Noord-Brabant; kleiner in Groningen en Zuid-Holland; nooit in zeer sterk stedelijke "
    "gemeenten. Samen zo'n 2.000 parken; ongeveer een derde van de gemeenten heeft er geen. Een park heeft 10 plus gemiddeld zo'n 100 adressen. "
    "Parken en adressen zijn voor elk jaar de situatie van 2024 en worden als openbare context gepubliceerd.",
    "Per vakantiepark wordt een aandeel permanente bewoning getrokken (gemiddeld 22%, 4% per jaar meer); een "
    "bewoond adres heeft 1 plus gemiddeld 0,8 ingeschreven personen. Rechtspersonen: de exploitant (bij 60% van de "
    "parken) plus zo'n 3% van de adressen. Woningbezit elders: 10 tot 25% van de ingeschrevenen, per park "
    "verschillend. Alleenstaande ouders met schulden: 3% plus 12% maal het aandeel permanente bewoning van het park. "
    "Een gemeente zonder vakantieparken heeft overal 0.",
    "Alles wat de generator maakt, is in de app als demo gemarkeerd.",
)

DEFAULT_SEED = 20241
BASE_COLUMNS = ["measure", "year", "area_code", "sbi", "value", "n_units", "top1", "top2"]

# Establishments per 10,000 inhabitants and median turnover per establishment (EUR), national.
BRANCH_PROFILE = {
    "96021": (12.0, 60_000, True),
    "96022": (18.0, 35_000, True),
    "56102": (4.0, 250_000, False),
    "45112": (4.0, 900_000, False),
    "4742": (1.0, 150_000, True),
    "5630": (5.0, 200_000, True),
}
YEARLY_TREND = {  # multiplicative change per year, 2019 -> 2024
    "verkochte_woningen": -0.02, "onverklaarbare_aankopen": 0.03, "doorsluishuizen": 0.0, "stichting_woningen": 0.04,
    "hennep": -0.07, "drugsverdachten": 0.02, "drugsverdachten_elders": 0.0, "jonge_aanwas": 0.03,
    "fiu_transacties": 0.10, "contante_aankopen": 0.05, "vestigingen": 0.02,
}
# Vakantieparken (see the module docstring): provincie effects on the expected number of parks.
PARK_PROVINCIE_EFFECT = {"PV25": 1.0, "PV22": 1.0, "PV29": 1.0, "PV23": 0.6, "PV31": 0.6, "PV21": 0.5, "PV27": 0.4,
                         "PV30": 0.3, "PV26": 0.0, "PV24": 0.0, "PV20": -0.3, "PV28": -0.6}
PARKS_PER_10K_HA = 1.2
PARK_RURAL = 0.5   # per step of CBS stedelijkheid (5 = not urban)
PARK_NOISE = 1.0    # sd of the gemeente's own effect (log scale)
PARK_ADDRESSES_MEDIAN = 70
PERMANENT_TREND = 0.04
PRICE_INDEX = {2019: 0.72, 2020: 0.78, 2021: 0.89, 2022: 1.0, 2023: 0.97, 2024: 1.04}


@dataclass
class _Features:
    """Per finest area: real denominators and the latent risk structure of the demo world."""
    codes: np.ndarray
    inwoners: np.ndarray
    woningen: np.ndarray
    jongeren: np.ndarray
    woz: np.ndarray
    urban: np.ndarray        # 0 (not urban) .. 1 (very urban)
    low_income: np.ndarray   # standardised, higher = poorer
    provincie: np.ndarray
    gemeente_effect: np.ndarray
    wijk_effect: np.ndarray
    cluster: np.ndarray      # bool


def _rng(seed: int, *names) -> np.random.Generator:
    return np.random.default_rng([seed] + [zlib.crc32(str(n).encode()) for n in names])


def _features(areas: pd.DataFrame, kerncijfers: pd.DataFrame, seed: int) -> _Features:
    finest = geography.finest_areas(areas)
    k = kerncijfers.set_index("area_code")
    wijk_of = np.where(finest["level"] == "buurt", finest["parent_code"], finest["area_code"])
    own = k.reindex(finest["area_code"])
    wijk = k.reindex(wijk_of)
    gem = k.reindex(finest["gemeente_code"])

    def pick(col, default):
        v = own[col].to_numpy(copy=True)
        for fallback in (wijk[col].to_numpy(), gem[col].to_numpy()):
            v = np.where(np.isnan(v), fallback, v)
        return np.where(np.isnan(v), default, v)

    inwoners = np.nan_to_num(own["ctx_inwoners"].to_numpy(), nan=0.0)
    woningen = np.nan_to_num(own["ctx_woningvoorraad"].to_numpy(), nan=0.0)
    jongeren = own["ctx_jongeren"].to_numpy()
    jongeren = np.where(np.isnan(jongeren), np.round(inwoners * 0.12), jongeren)
    stedelijkheid = pick("ctx_stedelijkheid", 5.0)
    income = pick("ctx_inkomen", np.nanmedian(k["ctx_inkomen"]))
    low_income = -(income - np.mean(income)) / np.std(income)

    rng = _rng(seed, "structure")
    gemeenten = np.unique(finest["gemeente_code"])
    g_eff = dict(zip(gemeenten, rng.normal(0, 0.25, len(gemeenten))))
    wijken = np.unique(wijk_of)
    w_eff = dict(zip(wijken, rng.normal(0, 0.35, len(wijken))))
    urban = (5 - stedelijkheid) / 4
    wijk_cluster_p = np.clip(0.12 * urban + 0.04 * low_income, 0.0, 0.3)
    w_cluster = {w: rng.random() < p for w, p in zip(wijk_of, wijk_cluster_p)}
    return _Features(
        codes=finest["area_code"].to_numpy(), inwoners=inwoners, woningen=woningen, jongeren=jongeren,
        woz=pick("ctx_woz", 350.0) * 1000, urban=urban, low_income=low_income,
        provincie=finest["provincie_code"].to_numpy(),
        gemeente_effect=np.array([g_eff[g] for g in finest["gemeente_code"]]),
        wijk_effect=np.array([w_eff[w] for w in wijk_of]),
        cluster=np.array([w_cluster[w] for w in wijk_of]),
    )


def _risk(f: _Features, urban=0.0, income=0.0, cluster=0.0, latent=1.0) -> np.ndarray:
    return np.exp(urban * f.urban + income * f.low_income + cluster * f.cluster
                  + latent * (f.gemeente_effect + f.wijk_effect))


def _top_two(groups: np.ndarray, contributions: np.ndarray, n_groups: int):
    """Sum, count, largest and second-largest contribution per group, vectorised."""
    total = np.bincount(groups, weights=contributions, minlength=n_groups)
    count = np.bincount(groups, minlength=n_groups)
    top1 = np.zeros(n_groups)
    top2 = np.zeros(n_groups)
    if len(groups):
        order = np.lexsort((-contributions, groups))
        g, v = groups[order], contributions[order]
        first = np.r_[True, g[1:] != g[:-1]]
        top1[g[first]] = v[first]
        second = np.r_[False, first[:-1]] & ~first
        top2[g[second]] = v[second]
    return total, count, top1, top2


def _magnitude(rng, counts: np.ndarray, draw) -> tuple:
    groups = np.repeat(np.arange(len(counts)), counts)
    return _top_two(groups, draw(rng, len(groups), groups), len(counts))


def generate_finest(areas: pd.DataFrame, kerncijfers: pd.DataFrame, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Base figures on the finest areas, BASE_COLUMNS, every measure x year (x branche)."""
    f = _features(areas, kerncijfers, seed)
    regional_hennep = np.isin(f.provincie, ["PV25", "PV30", "PV31"]) * 0.6  # Gelderland, Noord-Brabant, Limburg
    frames = []

    def emit(measure, year, value, n_units=None, top1=None, top2=None, sbi=""):
        frames.append(pd.DataFrame({
            "measure": measure, "year": year, "area_code": f.codes, "sbi": sbi, "value": value.astype(float),
            "n_units": (value if n_units is None else n_units).astype(np.int64),
            "top1": np.nan if top1 is None else top1, "top2": np.nan if top2 is None else top2,
        }))

    for year in catalogue.DEMO_YEARS:
        rng = _rng(seed, "year", year)
        t = year - catalogue.DEMO_YEARS[0]
        trend = {m: (1 + r) ** t for m, r in YEARLY_TREND.items()}
        sold = rng.poisson(f.woningen * 0.026 * trend["verkochte_woningen"] * _risk(f, urban=0.3, latent=0.3))
        emit("verkochte_woningen", year, sold)
        median_price = f.woz * 1.1 * PRICE_INDEX[year]
        emit("verkoopsom", year, *_magnitude(
            rng, sold, lambda r, n, g: r.lognormal(np.log(median_price[g]), 0.35, n).round(-2)))
        p_unexplained = np.clip(0.018 * trend["onverklaarbare_aankopen"] * _risk(f, urban=0.5, income=0.3, cluster=0.7), 0, 0.5)
        emit("onverklaarbare_aankopen", year, rng.binomial(sold, p_unexplained))
        emit("doorsluishuizen", year, rng.poisson(f.woningen * 0.003 * _risk(f, urban=0.8, income=0.2, cluster=0.5)))
        emit("stichting_woningen", year, rng.poisson(
            f.woningen * 0.0012 * trend["stichting_woningen"] * _risk(f, urban=0.9, cluster=0.6)))
        hennep = rng.poisson(f.woningen * 0.0011 * trend["hennep"] * _risk(f, urban=-0.8, income=0.3)
                             * np.exp(regional_hennep))
        emit("hennep", year, hennep)
        suspects = rng.poisson(f.inwoners * 0.0017 * trend["drugsverdachten"] * _risk(f, urban=0.8, income=0.4, cluster=0.5))
        emit("drugsverdachten", year, suspects)
        _emit_kenmerken(emit, year, f, _rng(seed, "kenmerken", year), hennep, suspects)
        emit("drugsverdachten_elders", year, rng.binomial(suspects, np.clip(0.3 + 0.2 * (1 - f.urban), 0, 1)))
        p_young = np.clip(0.018 * trend["jonge_aanwas"] * _risk(f, urban=0.5, income=0.5, cluster=0.4), 0, 0.5)
        emit("jonge_aanwas", year, rng.binomial(f.jongeren.astype(np.int64), p_young))
        for measure, rate, per_person_p, cluster in [("fiu_transacties", 0.004, 0.35, 1.1), ("contante_aankopen", 0.0008, 0.7, 0.8)]:
            persons = rng.poisson(f.inwoners * rate * trend[measure] * _risk(f, urban=0.7, income=0.3, cluster=cluster))
            total, n, top1, top2 = _magnitude(rng, persons, lambda r, k, g: r.geometric(per_person_p, k).astype(float))
            emit(measure, year, total, n, top1, top2)
        for sbi, (per_10k, median_turnover, cluster_prone) in BRANCH_PROFILE.items():
            cluster_effect = 0.9 if cluster_prone else 0.0
            shops = rng.poisson(f.inwoners / 10_000 * per_10k * trend["vestigingen"]
                                * _risk(f, urban=0.4, cluster=cluster_effect, latent=0.5))
            emit("vestigingen", year, shops, sbi=sbi)
            boost = np.where(f.cluster & cluster_prone, 1.8, 1.0)
            emit("omzet", year, *_magnitude(
                rng, shops, lambda r, k, g: r.lognormal(np.log(median_turnover * boost[g]), 0.9, k).round()), sbi=sbi)
    frames += _holiday_park_frames(areas, kerncijfers, seed)
    return pd.concat(frames, ignore_index=True)[BASE_COLUMNS]


# --- Vakantieparken: drawn per park, summed per gemeente (the finest area of these measures) ---------

@dataclass
class HolidayParks:
    gemeenten: np.ndarray     # every gemeente code, in areas order
    gemeente: np.ndarray      # per park: index into gemeenten
    addresses: np.ndarray     # per park
    permanent: np.ndarray     # per park: share of addresses lived in permanently (2019)
    owners_elsewhere: np.ndarray  # per park: share of the registered persons owning a home elsewhere
    has_operator: np.ndarray  # per park: the exploitant is registered at the park


def holiday_parks(areas: pd.DataFrame, kerncijfers: pd.DataFrame, seed: int) -> HolidayParks:
    """Where the demo world's holiday parks are, and their fixed properties (own random stream)."""
    gem = areas[areas["level"] == "gemeente"]
    k = kerncijfers.drop_duplicates("area_code").set_index("area_code").reindex(gem["area_code"])
    land_ha = k["oppervlakte_land_ha"].to_numpy(float) if "oppervlakte_land_ha" in k else np.full(len(gem), np.nan)
    land_ha = np.where(np.isnan(land_ha), np.nanmedian(land_ha) if np.isfinite(land_ha).any() else 5_000.0, land_ha)
    stedelijkheid = np.nan_to_num(k["ctx_stedelijkheid"].to_numpy(float), nan=3.0)
    provincie = gem["provincie_code"].map(PARK_PROVINCIE_EFFECT).fillna(0.0).to_numpy()
    rng = _rng(seed, "vakantieparken")
    expected = (land_ha / 10_000 * PARKS_PER_10K_HA * np.exp(provincie + PARK_RURAL * (stedelijkheid - 3)
                                                             + rng.normal(0, PARK_NOISE, len(gem))))
    n_parks = np.where(stedelijkheid <= 1, 0, rng.poisson(expected))
    gemeente = np.repeat(np.arange(len(gem)), n_parks)
    n = len(gemeente)
    return HolidayParks(
        gemeenten=gem["area_code"].to_numpy(), gemeente=gemeente,
        addresses=10 + np.round(rng.lognormal(np.log(PARK_ADDRESSES_MEDIAN), 0.9, n)).astype(np.int64),
        permanent=rng.beta(2.0, 7.0, n), owners_elsewhere=rng.uniform(0.10, 0.25, n), has_operator=rng.random(n) < 0.6)


def park_context_cells(areas: pd.DataFrame, kerncijfers: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The public park figures (vp_parken, vp_adressen) as published cells on gemeente and up, like
    build.context_cells: they are public context (a park register, the BAG), not protected."""
    parks = holiday_parks(areas, kerncijfers, seed)
    g = len(parks.gemeenten)
    finest = pd.concat([pd.DataFrame({"measure": code, "year": 2024, "area_code": parks.gemeenten, "sbi": "",
                                      "value": np.bincount(parks.gemeente, weights=w, minlength=g), "n_units": 0,
                                      "top1": np.nan, "top2": np.nan})
                        for code, w in (("vp_parken", np.ones(len(parks.gemeente))), ("vp_adressen", parks.addresses))],
                       ignore_index=True)
    cells = aggregate_base(areas, finest, magnitude_of=lambda _: False)
    cells = cells[cells["area_code"].map(areas.set_index("area_code")["level"]).isin(catalogue.GEMEENTE_AND_UP)]
    return pd.DataFrame({"area_code": cells["area_code"], "value": cells["value"], "indicator": cells["measure"],
                         "year": 2024, "sbi": "", "status": "published"}).reset_index(drop=True)


def _holiday_park_frames(areas: pd.DataFrame, kerncijfers: pd.DataFrame, seed: int) -> list[pd.DataFrame]:
    """Per gemeente and year: the registrations at holiday-park addresses (the protected vp_ measures)."""
    parks = holiday_parks(areas, kerncijfers, seed)
    g, frames = len(parks.gemeenten), []
    for year in catalogue.DEMO_YEARS:
        rng = _rng(seed, "vakantieparken", year)
        trend = (1 + PERMANENT_TREND) ** (year - catalogue.DEMO_YEARS[0])
        permanent = np.clip(parks.permanent * trend, 0.0, 0.9)
        inhabited = rng.binomial(parks.addresses, permanent)
        persons = inhabited + rng.poisson(0.8 * inhabited)
        legal = parks.has_operator + rng.poisson(0.03 * parks.addresses)
        owners = rng.binomial(persons, parks.owners_elsewhere)
        parents = rng.binomial(persons, 0.03 + 0.12 * permanent)
        for measure, per_park in (("vp_natuurlijke_personen", persons), ("vp_rechtspersonen", legal),
                                  ("vp_woningbezit_elders", owners), ("vp_alleenstaande_ouders_schulden", parents)):
            value = np.bincount(parks.gemeente, weights=per_park, minlength=g)
            frames.append(pd.DataFrame({"measure": measure, "year": year, "area_code": parks.gemeenten, "sbi": "",
                                        "value": value, "n_units": value.astype(np.int64), "top1": np.nan,
                                        "top2": np.nan}))
    return frames


# Breakdowns (kenmerken) of drugsverdachten and of the residents of geruimde hennepkwekerijen: class
# shares per finest area; a multinomial split of the area's count, so the classes add up exactly.
SUSPECT_AGE = (0.08, 0.30, 0.40, 0.22)  # <18, 18-24, 25-44, 45+; the young classes +/- 0.05 with urbanisation
SUSPECT_MALE = 0.86
SUSPECT_FAMILY = 0.22                   # share with suspected family members; +0.10 in a cluster wijk
HENNEP_EMPTY = 0.35                     # share of geruimde kwekerijen without residents (empty house, business unit)
HENNEP_RESIDENTS = 1.3                  # residents of an inhabited kwekerij: 1 + Poisson(1.3)
RESIDENT_AGE = (0.18, 0.12, 0.40, 0.30)
RESIDENT_MALE = 0.58


def _split(rng, counts: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Multinomial split of each count over classes (shares: one row per area, or one row for all)."""
    shares = np.broadcast_to(shares, (len(counts), shares.shape[-1]))
    return rng.multinomial(counts.astype(np.int64), shares / shares.sum(axis=1, keepdims=True))


def _emit_kenmerken(emit, year: int, f: _Features, rng, hennep: np.ndarray, suspects: np.ndarray) -> None:
    young = 0.05 * (f.urban - 0.5)  # urban suspects are a little younger
    age = np.array(SUSPECT_AGE)[None, :] + np.column_stack([young / 2, young / 2, -young / 2, -young / 2])
    family = np.column_stack([SUSPECT_FAMILY + 0.10 * f.cluster, 1 - SUSPECT_FAMILY - 0.10 * f.cluster])
    inhabited = rng.binomial(hennep, 1 - HENNEP_EMPTY)
    residents = inhabited + rng.poisson(HENNEP_RESIDENTS * inhabited)
    emit("hennep_bewoners", year, residents)
    for measure, total, splits in [
        ("drugsverdachten_kenmerken", suspects,
         {"leeftijd": age, "geslacht": np.array([SUSPECT_MALE, 1 - SUSPECT_MALE]), "familie": family}),
        ("hennep_bewoners_kenmerken", residents,
         {"leeftijd": np.array(RESIDENT_AGE), "geslacht": np.array([RESIDENT_MALE, 1 - RESIDENT_MALE])}),
    ]:
        for dimension, shares in splits.items():
            classes = _split(rng, total, np.asarray(shares, dtype=np.float64))
            for code, column in zip(catalogue.BREAKDOWNS[dimension].class_codes, classes.T):
                emit(measure, year, column, sbi=code)


def aggregate_base(areas: pd.DataFrame, finest: pd.DataFrame, magnitude_of=None) -> pd.DataFrame:
    """Sum finest base figures to every area of every level; merge the top contributions exactly.
    A row's finest area may be a gemeente (measures drawn per gemeente, such as the vakantieparken).
    `magnitude_of(measure)`: whether it carries top contributions (default: the catalogue's base measure)."""
    index = {c: i for i, c in enumerate(areas["area_code"])}
    a = areas.set_index("area_code")
    n_areas = len(areas)
    # ancestors[i] = every area (itself included) that finest area i adds up into
    codes = finest["area_code"].unique()
    chains = []
    for code in codes:
        row = a.loc[code]
        chain = [code]
        if row["level"] == "buurt":
            chain.append(row["parent_code"])
        chain += [row["gemeente_code"], row["provincie_code"], row["riec_code"], geography.LAND_CODE]
        chains.append([index[c] for c in dict.fromkeys(chain)])  # a gemeente row is its own gemeente
    width = max(len(c) for c in chains)
    ancestors = np.full((len(codes), width), -1)
    for i, c in enumerate(chains):
        ancestors[i, :len(c)] = c
    finest_pos = pd.Series(np.arange(len(codes)), index=codes)

    keys = finest[["measure", "year", "sbi"]].drop_duplicates().reset_index(drop=True)
    key_id = finest.merge(keys.reset_index(), on=["measure", "year", "sbi"], how="left")["index"].to_numpy()
    pos = finest_pos.loc[finest["area_code"]].to_numpy()
    anc = ancestors[pos]                                   # rows x width
    valid = anc >= 0
    cell = (key_id[:, None] * n_areas + anc)[valid]
    n_cells = len(keys) * n_areas

    def repeat(col):
        return np.broadcast_to(finest[col].to_numpy()[:, None], anc.shape)[valid]
    value = np.bincount(cell, weights=repeat("value"), minlength=n_cells)
    units = np.bincount(cell, weights=repeat("n_units"), minlength=n_cells)
    tops = np.concatenate([np.nan_to_num(repeat("top1")), np.nan_to_num(repeat("top2"))])
    _, _, top1, top2 = _top_two(np.concatenate([cell, cell]), tops, n_cells)
    magnitude_of = magnitude_of or (lambda m: catalogue.BASE_MEASURES[m].measure == "magnitude")
    is_magnitude = keys["measure"].map(magnitude_of).to_numpy(bool)
    magnitude = np.repeat(is_magnitude, n_areas)
    present = np.bincount(cell, minlength=n_cells) > 0
    out = pd.DataFrame({
        "measure": np.repeat(keys["measure"].to_numpy(), n_areas),
        "year": np.repeat(keys["year"].to_numpy(), n_areas),
        "area_code": np.tile(areas["area_code"].to_numpy(), len(keys)),
        "sbi": np.repeat(keys["sbi"].to_numpy(), n_areas),
        "value": value, "n_units": units.astype(np.int64),
        "top1": np.where(magnitude, top1, np.nan), "top2": np.where(magnitude, top2, np.nan),
    })
    return out[present].reset_index(drop=True)


def generate_base(areas: pd.DataFrame, kerncijfers: pd.DataFrame, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """All demo base cells on every level: the confidential input of the release build."""
    base = aggregate_base(areas, generate_finest(areas, kerncijfers, seed))
    flows = generate_flows(base, areas, kerncijfers, geography.gemeente_points(), seed)
    return pd.concat([base, flows], ignore_index=True)


FLOW_DISTANCE_KM = 10.0  # the distance over which the pull of another gemeente falls by a factor e


def generate_flows(base: pd.DataFrame, areas: pd.DataFrame, kerncijfers: pd.DataFrame, points: pd.DataFrame,
                   seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Drugsverdachten from woongemeente (area_code) to pleeggemeente (sbi), per year: the own gemeente
    holds those without a delict elsewhere; the others are spread over the other gemeenten (module
    docstring). Only nonzero flows and every diagonal cell, in BASE_COLUMNS."""
    flow = catalogue.flow_table()
    gem = areas.loc[areas["level"] == "gemeente", "area_code"].to_numpy()
    xy = points.set_index("area_code").reindex(gem)
    km_x = (xy["lon"].to_numpy() * 111.32 * np.cos(np.radians(52.2)))
    km_y = xy["lat"].to_numpy() * 110.57
    distance = np.nan_to_num(np.hypot(km_x[:, None] - km_x[None, :], km_y[:, None] - km_y[None, :]), nan=1e4)
    population = kerncijfers.drop_duplicates("area_code").set_index("area_code")["ctx_inwoners"].reindex(gem)
    pull = np.nan_to_num(population.to_numpy(), nan=1.0)[None, :] * np.exp(-distance / FLOW_DISTANCE_KM)
    np.fill_diagonal(pull, 0.0)
    far = pull.sum(axis=1) <= 0  # no point for this gemeente (a synthetic test division): any other one
    pull[far] = 1.0 - np.eye(len(gem))[far]
    pull /= pull.sum(axis=1, keepdims=True)
    rows = base[base["measure"].isin([flow.total_family, flow.elsewhere_family]) & (base["sbi"] == "")]
    by = rows.set_index(["measure", "year", "area_code"])["value"].sort_index()
    frames = []
    for year in catalogue.BASE_MEASURES[flow.family].years:
        total = by.loc[(flow.total_family, year)].reindex(gem).fillna(0).to_numpy(np.int64)
        elsewhere = by.loc[(flow.elsewhere_family, year)].reindex(gem).fillna(0).to_numpy(np.int64)
        counts = _rng(seed, "stromen", year).multinomial(elsewhere, pull)
        counts[np.arange(len(gem)), np.arange(len(gem))] = total - elsewhere
        woon, pleeg = np.nonzero(counts | np.eye(len(gem), dtype=bool))
        value = counts[woon, pleeg]
        frames.append(pd.DataFrame({"measure": flow.family, "year": year, "area_code": gem[woon], "sbi": gem[pleeg],
                                    "value": value.astype(float), "n_units": value.astype(np.int64),
                                    "top1": np.nan, "top2": np.nan}))
    return pd.concat(frames, ignore_index=True)[BASE_COLUMNS]

