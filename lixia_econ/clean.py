"""Cleaning as Chinese statistics need it: year-to-date ↔ single period, chaining, rebasing.

Chinese statistical releases are mostly year to date (累计): "January–March", "first three
quarters". These functions turn them into single-period values and back, chain official
year-on-year growth into volume indices, rebase, compute shares of a parent region, and
compare official growth with growth recomputed from levels — keeping both, because NBS
growth is on a comparable basis (revised levels, constant prices) and is never to be
silently replaced by a recomputation.

All functions take and return :class:`pandas.Series` on a :class:`pandas.PeriodIndex`
(monthly or quarterly for year-to-date work; annual allowed elsewhere).
"""

from __future__ import annotations

import calendar
import itertools
import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.errors import InsufficientDataError, ParameterError, RevisionGapWarning
from lixia_econ.periods import freq_code
from lixia_econ.periods import periods_per_year as _periods_per_year

__all__ = [
    "JAN_FEB_SPLITS",
    "JAN_FEB_STATUS",
    "annualise",
    "chain_yoy",
    "compare_growth",
    "cumulate",
    "decumulate",
    "decumulate_frame",
    "growth_from_levels",
    "january_share",
    "rebase",
    "share_of",
]

JanFeb = Literal["keep", "days", "equal"]

#: The ways to split a January–February total between the two months (:func:`january_share`).
JAN_FEB_SPLITS: tuple[str, ...] = ("days", "equal")

#: Status code given to each de-cumulated value, by ``jan_feb`` choice.
JAN_FEB_STATUS = {
    "keep": "jan_feb_combined",
    "days": "jan_feb_split_days",
    "equal": "jan_feb_split_equal",
}


def _check_series(series: pd.Series, name: str, *, freqs: tuple[str, ...]) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise ParameterError(f"{name} must be a pandas Series, got {type(series).__name__}")
    if not isinstance(series.index, pd.PeriodIndex):
        raise ParameterError(
            f"{name} must be indexed by periods (PeriodIndex), got {type(series.index).__name__}"
        )
    if series.index.freqstr[0] not in freqs:
        allowed = ", ".join(freqs)
        raise ParameterError(
            f"{name} has frequency {series.index.freqstr!r}; this needs one of: {allowed}"
        )
    if series.index.has_duplicates:
        dup = series.index[series.index.duplicated()][0]
        raise ParameterError(f"{name} has period {dup} more than once")
    try:
        values = pd.to_numeric(series, errors="raise").astype("float64")
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must be numeric: {exc}") from None
    return pd.Series(values.to_numpy(), index=series.index, name=series.name).sort_index()


def january_share(year: int, how: Literal["days", "equal"]) -> float:
    """Return January's share of a combined January–February figure.

    Parameters
    ----------
    year : int
        The year (February has 29 days in leap years).
    how : {"days", "equal"}
        ``"days"``: in proportion to the days of the two months (31 of 59 or 60);
        ``"equal"``: one half.

    Returns
    -------
    float

    Examples
    --------
    >>> round(january_share(2020, "days"), 4), january_share(2021, "equal")
    (0.5167, 0.5)
    """
    check_choice("how", how, JAN_FEB_SPLITS)
    if how == "equal":
        return 0.5
    return 31 / (31 + calendar.monthrange(year, 2)[1])


def decumulate(
    ytd: pd.Series, *, jan_feb: JanFeb = "keep", status: bool = False
) -> pd.Series | pd.DataFrame:
    """Turn year-to-date (累计) values into single-period values.

    The value of a month (quarter) is its year-to-date value less the previous month's
    (quarter's) year-to-date value of the same year; the first period of a year is its
    year-to-date value.

    Parameters
    ----------
    ytd : pandas.Series
        Year-to-date levels on a monthly or quarterly PeriodIndex. Missing periods may be
        absent or NaN.
    jan_feb : {"keep", "days", "equal"}
        What to do when January is missing and February holds the January–February total
        (NBS releases the two months together). ``"keep"``: one two-month value at
        February, January absent (status ``jan_feb_combined``). ``"days"``: split the total
        between January and February in proportion to their days (31 and 28 or 29; status
        ``jan_feb_split_days``). ``"equal"``: split it in halves (``jan_feb_split_equal``).
        Ignored for quarterly data and for years that do publish January.
    status : bool
        Return each value's status code with it, as a column (see Returns).

    Returns
    -------
    pandas.Series or pandas.DataFrame
        Single-period values on a PeriodIndex, in the same unit. A period whose previous
        year-to-date value is missing cannot be de-cumulated and is left out (never
        guessed). With ``status=True``, a DataFrame on that index with columns ``value``
        and ``status`` (``derived`` or the January–February code above): the status
        travels with the data through selections, joins and concatenation. (The
        Series also carries the codes in ``attrs["status"]`` for a quick look; pandas
        drops ``attrs`` in most operations, so nothing relies on them.)

    Raises
    ------
    ParameterError
        If the input is not a monthly or quarterly numeric Series, or ``jan_feb`` is not
        one of the allowed choices.

    Notes
    -----
    Year-to-date values that fall within a year give negative single-period values; the
    schema validator rejects such input before it reaches the panel.

    Examples
    --------
    NBS monthly retail sales, 亿元 (year to date, 2020): January–February 52,129.8 and
    January–March 78,579.7, so March alone is 26,449.9 (NBS published 26,450).

    >>> import pandas as pd
    >>> ytd = pd.Series([52129.8, 78579.7], index=pd.period_range("2020-02", periods=2, freq="M"))
    >>> decumulate(ytd).round(1).tolist()
    [52129.8, 26449.9]
    >>> decumulate(ytd, status=True)["status"].tolist()
    ['jan_feb_combined', 'derived']
    """
    check_choice("jan_feb", jan_feb, JAN_FEB_STATUS)
    s = _check_series(ytd, "ytd", freqs=("M", "Q")).dropna()  # sorted, one row a period
    freq = freq_code(s.index)
    ordinal = s.index.asi8
    sub = np.asarray(s.index.month if freq == "M" else s.index.quarter)
    _, ords, values, codes = _single_periods(
        np.zeros(len(s), dtype=np.intp), ordinal, sub, s.to_numpy(), freq, jan_feb
    )
    order = np.argsort(ords, kind="stable")
    index = pd.PeriodIndex.from_ordinals(ords[order], freq=s.index.freq, name="period")
    values, codes = values[order], codes[order]
    if status:
        return pd.DataFrame({"value": values, "status": codes}, index=index)
    out = pd.Series(values, index=index, name=ytd.name, dtype="float64")
    out.attrs["status"] = pd.Series(codes, index=index, dtype=object)
    return out


def _single_periods(
    gid: np.ndarray,
    ordinal: np.ndarray,
    sub: np.ndarray,
    vals: np.ndarray,
    freq: str,
    jan_feb: JanFeb,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """De-cumulate year-to-date values sorted by series (``gid``), then period (``ordinal``).

    ``sub`` is each period's month (quarter). Returns, for each single-period value, the
    position of the input row it comes from (a January split off a January–February total
    comes from February's), its period ordinal, value and status: the input's rows first,
    the split-off Januaries after them.
    """
    same_prev = np.zeros(len(vals), dtype=bool)
    same_prev[1:] = (gid[1:] == gid[:-1]) & (ordinal[1:] == ordinal[:-1] + 1)
    prev_val = np.empty_like(vals)
    prev_val[:1] = np.nan
    prev_val[1:] = vals[:-1]
    out = np.where(sub == 1, vals, np.where(same_prev, vals - prev_val, np.nan))
    status = np.where(np.isfinite(out), "derived", "").astype(object)
    src, ords = np.arange(len(vals)), ordinal
    if freq == "M":
        combined = np.flatnonzero((sub == 2) & ~same_prev)
        code = JAN_FEB_STATUS[jan_feb]
        if jan_feb == "keep":
            out[combined] = vals[combined]
        elif len(combined):
            years = 1970 + (ordinal[combined] // 12)  # monthly ordinals count from 1970-01
            share = np.array([january_share(int(y), jan_feb) for y in years])
            total = vals[combined]
            out[combined] = total * (1 - share)
            src = np.concatenate([src, combined])
            ords = np.concatenate([ords, ordinal[combined] - 1])
            out = np.concatenate([out, total * share])
            status = np.concatenate([status, np.full(len(combined), code, dtype=object)])
        status[combined] = code
    keep = np.isfinite(out)
    return src[keep], ords[keep], out[keep], status[keep]


def decumulate_frame(
    frame: pd.DataFrame,
    *,
    by: list[str],
    freq: Literal["Q", "M"],
    period: str = "period",
    value: str = "value",
    jan_feb: JanFeb = "keep",
) -> pd.DataFrame:
    """De-cumulate many year-to-date series of a long table at once (vectorised).

    The same rules as :func:`decumulate`, applied to every group of ``by`` in one pass of
    array arithmetic rather than a loop per series; for a million rows this is what the
    build and the benchmarks use.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long table of year-to-date values, one frequency.
    by : list of str
        Columns that identify a series (region, indicator, ...).
    freq : {"Q", "M"}
        Frequency of the ``period`` column.
    period : str
        Column of periods: :class:`pandas.Period` objects or their strings
        (``2020-03``, ``2020Q1``).
    value : str
        Column of year-to-date values.
    jan_feb : {"keep", "days", "equal"}
        January–February handling, as in :func:`decumulate`.

    Returns
    -------
    pandas.DataFrame
        Columns ``by``, ``period`` (strings), ``value`` (single-period) and ``status``;
        periods that cannot be derived are left out.
    """
    check_choice("jan_feb", jan_feb, JAN_FEB_STATUS)
    check_choice("freq", freq, ("Q", "M"))
    data = frame[[*by, period, value]].dropna(subset=[value])
    # Parse each distinct period once: building a PeriodIndex from a million strings is slow.
    pcodes, puniques = pd.factorize(data[period])
    uniq = pd.PeriodIndex(pd.Index(puniques, dtype=object).astype(str), freq=freq)
    ordinal = uniq.asi8.take(pcodes)
    gid = data.groupby(by, sort=False, dropna=False).ngroup().to_numpy()
    order = np.lexsort((ordinal, gid))
    vals = data[value].to_numpy(dtype="float64")[order]
    sub = np.asarray(uniq.month if freq == "M" else uniq.quarter).take(pcodes[order])
    src, ords, out, status = _single_periods(gid[order], ordinal[order], sub, vals, freq, jan_feb)
    ocodes, ouniques = pd.factorize(ords)
    labels = np.asarray(pd.PeriodIndex.from_ordinals(ouniques, freq=freq).astype(str), dtype=object)
    keys = data.iloc[order[src]][by].reset_index(drop=True)
    result = keys.assign(period=labels.take(ocodes), value=out, status=status)
    return result.sort_values([*by, "period"]).reset_index(drop=True)


def cumulate(single: pd.Series) -> pd.Series:
    """Turn single-period values into year-to-date (累计) values; the inverse of :func:`decumulate`.

    Parameters
    ----------
    single : pandas.Series
        Single-period values on a monthly or quarterly PeriodIndex. A year whose January is
        absent but whose February is present is read as a January–February combined value
        at February (as :func:`decumulate` with ``jan_feb="keep"`` returns it).

    Returns
    -------
    pandas.Series
        Year-to-date values. Within a year, values after a missing period are left out:
        a year-to-date total cannot skip a month.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.period_range("2020-02", periods=2, freq="M")
    >>> cumulate(pd.Series([52129.8, 26449.9], index=idx)).round(1).tolist()
    [52129.8, 78579.7]
    """
    s = _check_series(single, "single", freqs=("M", "Q")).dropna()  # sorted, one row a period
    monthly = s.index.freqstr[0] == "M"
    ordinal, vals = s.index.asi8, s.to_numpy()
    sub = np.asarray(s.index.month if monthly else s.index.quarter)
    follows = np.zeros(len(s), dtype=bool)  # the previous period is there
    follows[1:] = ordinal[1:] == ordinal[:-1] + 1
    starts = (sub == 1) | (monthly & (sub == 2) & ~follows)
    # runs of consecutive periods, a new one at each year's start: a run that does not
    # begin at a start has lost its year's beginning and is left out
    bounds = [*np.flatnonzero(starts | ~follows).tolist(), len(s)]
    keep = np.zeros(len(s), dtype=bool)
    out = np.empty(len(s))
    for lo, hi in itertools.pairwise(bounds):
        if starts[lo]:
            keep[lo:hi] = True
            out[lo:hi] = np.cumsum(vals[lo:hi])
    index = s.index[keep]
    return pd.Series(out[keep], index=index, name=single.name, dtype="float64")


def chain_yoy(yoy_pct: pd.Series, *, base_year: int = 2019) -> pd.Series:
    """Chain year-on-year growth rates into a volume index, each period of ``base_year`` = 100.

    For quarterly (monthly) data each quarter (month) is indexed to the same quarter
    (month) of the base year, so the index carries no seasonal pattern: 2020Q1 = 93.1
    means 6.9% below 2019Q1. Forward, ``I[t] = I[t - 1 year] * (1 + g[t] / 100)``;
    backward, ``I[t - 1 year] = I[t] / (1 + g[t] / 100)``.

    Parameters
    ----------
    yoy_pct : pandas.Series
        Growth over the same period a year earlier, percent (NBS: comparable prices).
    base_year : int
        The year whose periods are set to 100.

    Returns
    -------
    pandas.Series
        The index (base-year periods = 100). A gap in the growth series breaks the chain
        for that period and every later (earlier) period of the same quarter or month;
        nothing is filled in.

    Raises
    ------
    InsufficientDataError
        If no period could be chained (the growth series does not reach the base year).

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.Series([6.0, -6.9], index=pd.period_range("2019Q1", periods=5, freq="Q")[[0, 4]])
    >>> chain_yoy(g, base_year=2019).round(1).tolist()  # 2018Q1, 2019Q1-Q4, 2020Q1
    [94.3, 100.0, 100.0, 100.0, 100.0, 93.1]
    """
    s = _check_series(yoy_pct, "yoy_pct", freqs=("M", "Q", "Y", "A"))
    lag = _periods_per_year(s.index)
    g = s.dropna()
    present = set(g.index)
    if not present:
        raise InsufficientDataError("yoy_pct has no values to chain")
    first, last = min(present), max(present)
    freq = s.index.freq
    base_start = pd.Period(f"{base_year}-01", freq="M").asfreq(freq)
    base_end = pd.Period(f"{base_year}-12", freq="M").asfreq(freq)
    start, end = min(first - lag, base_start), max(last, base_end)
    full = pd.period_range(start, end, freq=freq)
    base = full[full.year == base_year]
    out = pd.Series(_chain(full, g, lag, base_year), index=full).dropna()
    if not len(out.index.difference(base)):
        raise InsufficientDataError(
            f"yoy_pct ({first}–{last}) cannot be chained to base year {base_year}: "
            "no growth rate links to the base year"
        )
    out.name = yoy_pct.name
    return out


def _chain(full: pd.PeriodIndex, g: pd.Series, lag: int, base_year: int) -> np.ndarray:
    """Return :func:`chain_yoy`'s index on ``full``: NaN where the chain does not reach.

    The arithmetic of the rule, period by period on ordinals (the same float64 operations
    in the same order as on the Series; a dictionary lookup instead of a pandas one).
    """
    growth = dict(zip(g.index.asi8.tolist(), g.to_numpy(), strict=True))
    ords, years = full.asi8.tolist(), full.year
    level = dict.fromkeys(ords, np.float64(np.nan))
    for o, y in zip(ords, years, strict=True):
        if y == base_year:
            level[o] = np.float64(100.0)
    for o in full.asi8[years > base_year].tolist():
        prev = level[o - lag]
        if o in growth and np.isfinite(prev):
            level[o] = prev * (1 + growth[o] / 100)
    for o in full.asi8[years < base_year][::-1].tolist():
        nxt = o + lag
        if nxt in growth and np.isfinite(level[nxt]):
            level[o] = level[nxt] / (1 + growth[nxt] / 100)
    return np.array([level[o] for o in ords], dtype="float64")


def growth_from_levels(
    levels: pd.Series, *, years: int = 1, periods: int | None = None, per_year: bool = False
) -> pd.Series:
    """Growth over the same period ``years`` years earlier, percent, recomputed from levels.

    The one place growth is computed from levels: year on year (同比), over several
    years, period on period (环比) or as an average per year.

    Parameters
    ----------
    levels : pandas.Series
        Levels on an annual, quarterly or monthly PeriodIndex.
    years : int
        How many years back to compare (1 = year on year).
    periods : int, optional
        Compare with the value this many periods back instead (1 = period on period,
        not seasonally adjusted).
    per_year : bool
        Return the compound average growth per year over the span (NBS's "two-year
        average growth" with ``years=2``): ``100 * ((x_t / x_{t-n}) ** (1 / n) - 1)``,
        ``n`` the span in years.

    Returns
    -------
    pandas.Series
        Percent change (percent per year with ``per_year``); periods whose comparison
        level is missing are left out.

    Raises
    ------
    ParameterError
        If ``years`` or ``periods`` is not a positive integer.

    Notes
    -----
    From current-price levels this is nominal growth. NBS real growth is computed at
    comparable prices on revised levels; see :func:`compare_growth`.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.Series([100.0, 110.0, 121.0], index=pd.period_range("2019", periods=3, freq="Y"))
    >>> growth_from_levels(x).round(6).tolist(), growth_from_levels(x, years=2).round(6).tolist()
    ([10.0, 10.0], [21.0])
    >>> growth_from_levels(x, years=2, per_year=True).round(6).tolist()
    [10.0]
    """
    s = _check_series(levels, "levels", freqs=("M", "Q", "Y", "A"))
    ppy = _periods_per_year(s.index)
    for name, n in (("years", years), ("periods", periods)):
        if n is not None and (isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1):
            raise ParameterError(f"{name}={n!r} must be a positive integer")
    lag = int(periods) if periods is not None else ppy * int(years)
    shifted = s.copy()
    shifted.index = shifted.index + lag
    ratio = s / shifted.reindex(s.index)
    out = (ratio ** (ppy / lag) - 1) * 100 if per_year else (ratio - 1) * 100
    return out.dropna().rename(levels.name)


def compare_growth(
    official_pct: pd.Series, levels: pd.Series, *, tolerance: float = 0.15
) -> pd.DataFrame:
    """Put official growth beside growth recomputed from levels, and flag the gaps.

    Parameters
    ----------
    official_pct : pandas.Series
        Published growth, percent.
    levels : pandas.Series
        Published levels of the same indicator and frequency.
    tolerance : float
        Largest gap, in percentage points, put down to rounding.

    Returns
    -------
    pandas.DataFrame
        Columns ``official``, ``from_levels``, ``gap`` (official − from levels, percentage
        points) and ``flagged`` (``abs(gap) > tolerance``), one row per period where both
        exist. The official figure is never replaced.

    Warns
    -----
    RevisionGapWarning
        If any gap exceeds ``tolerance``.
    """
    official = _check_series(official_pct, "official_pct", freqs=("M", "Q", "Y", "A"))
    recomputed = growth_from_levels(levels)
    if official.index.freq != recomputed.index.freq:
        raise ParameterError(
            f"official_pct is {official.index.freqstr} but levels are {recomputed.index.freqstr}"
        )
    frame = pd.concat({"official": official, "from_levels": recomputed}, axis=1).dropna()
    frame["gap"] = frame["official"] - frame["from_levels"]
    frame["flagged"] = frame["gap"].abs() > tolerance
    if frame["flagged"].any():
        worst = frame["gap"].abs().idxmax()
        warnings.warn(
            f"official growth and growth from levels differ by more than {tolerance} pp in "
            f"{int(frame['flagged'].sum())} periods (largest {frame.loc[worst, 'gap']:+.2f} pp in "
            f"{worst}); both are kept. Silence with "
            "warnings.simplefilter('ignore', lixia_econ.RevisionGapWarning)",
            RevisionGapWarning,
            stacklevel=2,
        )
    return frame


def rebase(series: pd.Series, base: str | int | pd.Period) -> pd.Series:
    """Rebase a series so that ``base`` = 100.

    Parameters
    ----------
    series : pandas.Series
        Levels or an index on a PeriodIndex.
    base : str, int or pandas.Period
        A period of the series' frequency (``"2019Q4"``), or a year (``2019`` or
        ``"2019"``), in which case the mean over that year's periods is 100; a year must be
        complete.

    Returns
    -------
    pandas.Series
        ``series / base_value * 100``.
    """
    s = _check_series(series, "series", freqs=("M", "Q", "Y", "A"))
    per_year = _periods_per_year(s.index)
    as_year = isinstance(base, int) or (isinstance(base, str) and base.strip().isdigit())
    if as_year and per_year > 1:
        year = int(base)
        values = s[s.index.year == year].dropna()
        if len(values) != per_year:
            raise InsufficientDataError(
                f"cannot rebase to {year}: {len(values)} of its {per_year} periods have values"
            )
        base_value = float(values.mean())
    else:
        period = base if isinstance(base, pd.Period) else pd.Period(str(base), freq=s.index.freq)
        if period not in s.index or not np.isfinite(s[period]):
            raise InsufficientDataError(f"cannot rebase: the series has no value for {period}")
        base_value = float(s[period])
    if base_value == 0:
        raise ParameterError(f"cannot rebase: the value at {base} is zero")
    return s / base_value * 100


def share_of(part: pd.Series, whole: pd.Series) -> pd.Series:
    """Share of a region (or component) in its parent, percent, for periods both have.

    Parameters
    ----------
    part, whole : pandas.Series
        Levels in the same unit on the same PeriodIndex frequency.

    Returns
    -------
    pandas.Series
        ``part / whole * 100`` where both exist.
    """
    p = _check_series(part, "part", freqs=("M", "Q", "Y", "A"))
    w = _check_series(whole, "whole", freqs=("M", "Q", "Y", "A"))
    if p.index.freq != w.index.freq:
        raise ParameterError(f"part is {p.index.freqstr} but whole is {w.index.freqstr}")
    return (p / w * 100).dropna()


def annualise(growth_pct: Any, periods_per_year: int) -> Any:
    """Compound a per-period growth rate to a yearly rate, percent in and out.

    Parameters
    ----------
    growth_pct : float, array-like or pandas.Series
        Growth over one period (quarter on quarter, month on month), percent.
    periods_per_year : int
        4 for quarters, 12 for months (1 returns the input).

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        ``100 * ((1 + g / 100) ** periods_per_year - 1)``, percent per year (annualised,
        compound), element-wise, in the shape it was given.

    Raises
    ------
    ParameterError
        If ``periods_per_year`` is not a positive integer.

    Examples
    --------
    >>> round(annualise(1.0, 4), 4)
    4.0604
    """
    if (
        isinstance(periods_per_year, bool)
        or not isinstance(periods_per_year, int | np.integer)
        or periods_per_year < 1
    ):
        raise ParameterError(
            f"periods_per_year={periods_per_year!r} must be a positive integer (4, 12, ...)"
        )
    out = 100.0 * ((1.0 + np.asarray(growth_pct, dtype=float) / 100.0) ** periods_per_year - 1.0)
    if isinstance(growth_pct, pd.Series):
        return pd.Series(out, index=growth_pct.index, name=growth_pct.name)
    return float(out) if np.ndim(out) == 0 else out
