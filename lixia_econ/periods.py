"""Period labels as Chinese and English statistical releases print them.

A label becomes a :class:`pandas.Period` (annual, quarterly or monthly; the period's
*end*) and a flag ``ytd`` saying whether the label itself says "cumulative from
January" (累计).

The rule
--------
- A **range starting in January** is year to date, ``ytd=True``, at the range's end:
  ``2020年1-3月`` (also ``1—3月``, ``1~3月``, ``1－3月``, ``1至3月``) is March 2020,
  monthly; ``2020年1-2月`` is February 2020 (NBS releases January and February
  together); ``2020年前三季度``, ``2020年1-3季度`` and ``2022 Q1-Q3`` are 2020Q3 / 2022Q3;
  ``2020年上半年`` and ``2023 H1`` are the second quarter; ``2022 Jan-Nov`` is
  November 2022.
- A **single period** is ``ytd=False``: ``2019``, ``2019年``, ``2020年全年`` (annual);
  ``2020Q1``, ``1Q 2020``, ``2020-Q1``, ``2020年一季度``, ``2020年第1季度``,
  ``2020年第一季度`` (quarterly); ``2020年3月``, ``2020-03``, ``2020.03``, ``2020/3``,
  ``2020M03`` (monthly). A single first quarter or January is *also* cumulative from
  January, but the label does not say so; a reader that knows the figure is cumulative
  (a ``YTD`` column, a 累计 row) decides the measure, not the label.
- A **range not starting in January** (``2020年4-6月``, ``Q2-Q4``, ``下半年``/``H2``)
  is neither a single period nor year to date: it raises :class:`PeriodError`. A
  second-quarter value should be written ``2020年二季度``; mapping ``4-6月`` to the
  quarter silently would hide that the source meant something else.

Accepted spellings: full-width digits and punctuation (``２０２０年１－３月``), the
dashes ``-`` ``—`` ``–`` ``－`` ``~`` ``～`` ``至`` ``到``, spaces anywhere, Chinese
numerals for quarters and months (一 .. 十二) and for years (二〇二〇年), English month
abbreviations and names. Labels without a year (``1-3月``, a bulletin column header)
need ``year=``.

In the tidy table the period is a string (:func:`period_to_str`): ``2020``, ``2020Q1``,
``2020-03``; the frequency letters are ``A``, ``Q`` and ``M`` (pandas 3 spells annual
``Y``; :func:`freq_code` translates).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from lixia_econ.errors import InsufficientDataError, ParameterError, PeriodError

__all__ = [
    "FREQ_NAMES",
    "PANDAS_FREQ",
    "PERIODS_PER_YEAR",
    "TIDY_PERIOD_PATTERNS",
    "TIME_FORMAT",
    "as_period_series",
    "check_not_after",
    "coerce_period",
    "format_periods",
    "freq_code",
    "latest_tidy_period",
    "parse_period",
    "parse_periods",
    "period_to_str",
    "periods_per_year",
    "str_to_period",
    "tidy_period_index",
    "to_period",
]

Freq = Literal["A", "Q", "M"]

#: pandas frequency of each tidy-table frequency letter (pandas 3 spells annual "Y").
PANDAS_FREQ = {"A": "Y", "Q": "Q", "M": "M"}

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

_EN_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_EN_MONTH_RE = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))

# dashes and range words, after NFKC (which already maps full-width ones to ASCII)
_DASHES = str.maketrans(
    {
        "—": "-",
        "–": "-",
        "‒": "-",
        "―": "-",
        "−": "-",
        "~": "-",
        "〜": "-",
        "至": "-",
        "到": "-",
    }
)

_CN_NUM = "[〇零○一二两三四五六七八九十]+"
_NUM = rf"(?:\d+|{_CN_NUM})"
_Y = r"(?P<year>\d{4})"


def _cn_to_int(text: str, label: str | None = None) -> int:
    """Convert ``12``, ``十二``, ``十``, ``二十`` or ``三`` to an int."""
    if text.isdigit():
        return int(text)
    try:
        if "十" in text:
            tens, _, ones = text.partition("十")
            t = _CN_DIGITS[tens] if tens else 1
            o = _CN_DIGITS[ones] if ones else 0
            return t * 10 + o
        value = 0
        for ch in text:
            value = value * 10 + _CN_DIGITS[ch]
    except KeyError:
        raise _fail(
            label or text,
            f"{text!r} is not a Chinese numeral a period can hold (一 .. 十二: 十月, 十二月)",
        ) from None
    return value


def _normalise(label: str) -> str:
    text = unicodedata.normalize("NFKC", label).translate(_DASHES)
    text = re.sub(r"\s+", " ", text).strip()
    # Chinese-numeral years: 二〇二〇年 -> 2020年
    text = re.sub(
        r"([〇零○一二三四五六七八九]{4})年",
        lambda m: "".join(str(_CN_DIGITS[c]) for c in m.group(1)) + "年",
        text,
    )
    # spaces around Chinese characters and dashes carry no meaning
    text = re.sub(r"\s*([年月季度第前上下半全-])\s*", r"\1", text)
    return text


# Each pattern -> kind; groups: year (optional), a (start or single), b (end)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^{_Y}年?$"), "year"),
    (re.compile(rf"^{_Y}年?度$"), "year"),
    (re.compile(rf"^(?:{_Y}年?)?全年$"), "year"),
    (re.compile(rf"^(?:{_Y}年)?第?(?P<a>{_NUM})季度?$"), "quarter_cn"),
    (re.compile(rf"^(?:{_Y}年)?(?P<a>{_NUM})-(?P<b>{_NUM})季度$"), "quarter_range"),
    (re.compile(rf"^(?:{_Y}年)?第?(?P<a>{_NUM})-第?(?P<b>{_NUM})季度$"), "quarter_range"),
    (re.compile(rf"^(?:{_Y}年)?前(?P<b>{_NUM})(?:个)?季度$"), "quarter_first"),
    (re.compile(rf"^(?:{_Y}年)?(?P<half>[上下])半年$"), "half"),
    (re.compile(rf"^(?:{_Y}年)?(?P<a>{_NUM})月$"), "month"),
    (re.compile(rf"^(?:{_Y}年)?(?P<a>{_NUM})-(?P<b>{_NUM})月$"), "month_range"),
    (re.compile(rf"^(?:{_Y}年)?前(?P<b>{_NUM})(?:个)?月$"), "month_first"),
    (re.compile(rf"^{_Y}[-./](?P<a>\d{{1,2}})$"), "month"),
    (re.compile(rf"^{_Y}M(?P<a>\d{{1,2}})$", re.IGNORECASE), "month"),
    (re.compile(rf"^{_Y} ?-?Q(?P<a>\d+)$", re.IGNORECASE), "quarter"),
    (re.compile(rf"^(?P<a>\d+)Q ?{_Y}$", re.IGNORECASE), "quarter"),
    (re.compile(rf"^Q(?P<a>\d+) ?{_Y}$", re.IGNORECASE), "quarter"),
    (re.compile(rf"^{_Y} ?Q(?P<a>\d+)-Q(?P<b>\d+)$", re.IGNORECASE), "quarter_range"),
    (re.compile(rf"^Q(?P<a>\d+)-Q(?P<b>\d+) ?{_Y}$", re.IGNORECASE), "quarter_range"),
    (re.compile(rf"^{_Y} ?H(?P<a>\d+)$", re.IGNORECASE), "half_en"),
    (re.compile(rf"^H(?P<a>\d+) ?{_Y}$", re.IGNORECASE), "half_en"),
    (re.compile(rf"^{_Y} ?(?P<a>{_EN_MONTH_RE})\.?$", re.IGNORECASE), "month_en"),
    (re.compile(rf"^(?P<a>{_EN_MONTH_RE})\.? ?{_Y}$", re.IGNORECASE), "month_en"),
    (
        re.compile(
            rf"^{_Y} ?(?P<a>{_EN_MONTH_RE})\.?-(?P<b>{_EN_MONTH_RE})\.?$",
            re.IGNORECASE,
        ),
        "month_range_en",
    ),
    (
        re.compile(
            rf"^(?P<a>{_EN_MONTH_RE})\.?-(?P<b>{_EN_MONTH_RE})\.? ?{_Y}$",
            re.IGNORECASE,
        ),
        "month_range_en",
    ),
]


def _fail(label: str, reason: str) -> PeriodError:
    return PeriodError(reason, value=label)


def _quarter(label: str, year: int, q: int) -> pd.Period:
    if not 1 <= q <= 4:
        raise _fail(label, f"quarter {q} does not exist (expected 1 to 4)")
    return pd.Period(year=year, quarter=q, freq="Q")


def _month(label: str, year: int, m: int) -> pd.Period:
    if not 1 <= m <= 12:
        raise _fail(label, f"month {m} does not exist (expected 1 to 12)")
    return pd.Period(year=year, month=m, freq="M")


def _range_start(label: str, start: int, unit: str, limit: int) -> None:
    if not 1 <= start <= limit:
        raise _fail(label, f"{unit} {start} does not exist (expected 1 to {limit})")
    if start != 1:
        raise _fail(
            label,
            f"a range starting in {unit} {start} is neither a single period nor cumulative "
            f"from January; expected a single period (e.g. '2020年二季度', '2020年6月') "
            f"or a year-to-date range from January (e.g. '2020年1-6月')",
        )


def _range_to(label: str, year: int, start: int, end: int, unit: str) -> tuple[pd.Period, bool]:
    """Return the end of a range from January (``1-3月``, ``Q1-Q3``), year to date."""
    if unit == "quarter":
        _range_start(label, start, unit, 4)
        return _quarter(label, year, end), True
    _range_start(label, start, unit, 12)
    return _month(label, year, end), True


def _half(label: str, year: int, half: str) -> tuple[pd.Period, bool]:
    """Return the first half (``上半年``, ``H1``) as the second quarter, year to date."""
    if half in ("上", "1"):
        return _quarter(label, year, 2), True
    if half in ("下", "2"):
        _range_start(label, 7, "month", 12)
    raise _fail(label, f"half {half} does not exist (expected H1 or H2)")


def _period_of(kind: str, groups: dict[str, Any], y: int, label: str) -> tuple[pd.Period, bool]:
    """Return the period and year-to-date flag of a label matched by pattern ``kind``."""
    a, b = groups.get("a"), groups.get("b")
    if kind == "year":
        return pd.Period(year=y, freq="Y"), False
    if kind in ("quarter", "quarter_cn"):
        return _quarter(label, y, _cn_to_int(a, label)), False
    if kind == "quarter_first":
        return _quarter(label, y, _cn_to_int(b, label)), True
    if kind == "half":
        return _half(label, y, groups["half"])
    if kind == "half_en":
        return _half(label, y, str(int(a)))
    if kind == "month":
        return _month(label, y, _cn_to_int(a, label)), False
    if kind == "month_first":
        return _month(label, y, _cn_to_int(b, label)), True
    if kind == "month_en":
        return _month(label, y, _EN_MONTHS[a.lower()]), False
    if kind == "month_range_en":
        return _range_to(label, y, _EN_MONTHS[a.lower()], _EN_MONTHS[b.lower()], "month")
    unit = "quarter" if kind == "quarter_range" else "month"
    return _range_to(label, y, _cn_to_int(a, label), _cn_to_int(b, label), unit)


@lru_cache(maxsize=65536)
def _parse_cached(label: str, year: int | None) -> tuple[pd.Period, bool]:
    text = _normalise(label)
    if not text:
        raise _fail(label, "empty period label; expected e.g. '2020', '2020Q1', '2020年1-3月'")
    for pattern, kind in _PATTERNS:
        m = pattern.match(text)
        if m is None:
            continue
        groups = m.groupdict()
        if groups.get("year") is not None:
            y = int(groups["year"])
        elif year is not None:
            y = int(year)
        else:
            raise _fail(label, "the label has no year; pass year= for labels such as '1-3月'")
        if not 1000 <= y <= 2999:
            raise _fail(label, f"year {y} is out of range (expected four digits, 1000-2999)")
        return _period_of(kind, groups, y, label)
    raise _fail(
        label,
        "not a period label; expected a year ('2019', '2019年'), a quarter ('2020Q1', '1Q 2020', "
        "'2020年一季度'), a month ('2020-03', '2020年3月') or a range from January "
        "('2020年1-3月', '2020年上半年', '2022 Q1-Q3', '2022 Jan-Nov')",
    )


def parse_period(label: str, *, year: int | None = None) -> tuple[pd.Period, bool]:
    """Parse a period label into its period (the end) and whether it is year to date.

    Parameters
    ----------
    label : str
        The label as printed: ``2019``, ``2020Q1``, ``1Q 2020``, ``2020年一季度``,
        ``2020年1-3月``, ``2020年上半年``, ``2022 Jan-Nov``, ``２０２０年１－３月`` ...
    year : int, optional
        The year for labels that omit it (``1-3月``, ``一季度``); ignored when the label
        has a year.

    Returns
    -------
    period : pandas.Period
        Annual (pandas freq ``Y``), quarterly (``Q``) or monthly (``M``); for a range,
        the period at its end (``2020年1-3月`` -> ``2020-03``, ``2020年上半年`` ->
        ``2020Q2``).
    ytd : bool
        True when the label is a range from January (cumulative, 累计); False for a
        single year, quarter or month.

    Raises
    ------
    PeriodError
        The label is empty, names a month or quarter that does not exist
        (``2020年13月``: "month 13 does not exist", ``2020Q5``), has no year and
        ``year`` is not given, or is a range not starting in January (``2020年4-6月``,
        ``下半年``).

    Notes
    -----
    See the module docstring for the full rule. Results are cached per label.

    Examples
    --------
    >>> parse_period("2020年1-3月")
    (Period('2020-03', 'M'), True)
    >>> parse_period("1Q 2026")
    (Period('2026Q1', 'Q-DEC'), False)
    >>> parse_period("2023 H1")
    (Period('2023Q2', 'Q-DEC'), True)
    >>> parse_period("1-2月", year=2021)
    (Period('2021-02', 'M'), True)
    """
    if not isinstance(label, str):
        raise _fail(label, f"period label must be text, got {type(label).__name__}")
    return _parse_cached(label, None if year is None else int(year))


def freq_code(p: pd.Period | pd.PeriodIndex | pd.offsets.BaseOffset | str) -> Freq:
    """Return the tidy-table frequency letter: ``'A'``, ``'Q'`` or ``'M'``.

    The one place that translates pandas frequencies into the letters of the tidy
    table (pandas 3 spells annual ``Y``; older pandas ``A``).

    Parameters
    ----------
    p : pandas.Period, pandas.PeriodIndex, pandas offset or str
        A calendar-year annual, quarterly or monthly period, the periods of a series,
        or a frequency (``"Y"``, ``"A"``, ``"Q"``, ``"M"``, ``"Q-DEC"``, ``"YE"`` ...).

    Returns
    -------
    {'A', 'Q', 'M'}

    Raises
    ------
    PeriodError
        For any other frequency (weekly, daily, fiscal years ending outside December ...).

    Examples
    --------
    >>> months = pd.period_range("2020-01", periods=2, freq="M")
    >>> freq_code(pd.Period("2020", freq="Y")), freq_code(months)
    ('A', 'M')
    >>> freq_code("Y")
    'A'
    """
    if isinstance(p, pd.Period | pd.PeriodIndex | pd.offsets.BaseOffset):
        fs = p.freqstr
    elif isinstance(p, str):
        fs = p
    else:
        raise _fail(str(p), f"expected a pandas.Period, got {type(p).__name__}")
    code = _FREQ_LETTERS.get(str(fs).upper())
    if code is None:
        raise _fail(str(p), f"frequency {fs!r} is not one of annual (Y-DEC), quarterly, monthly")
    return code


#: pandas frequency strings of each tidy-table frequency letter.
_FREQ_LETTERS: dict[str, Freq] = {
    **dict.fromkeys(("Y", "A", "Y-DEC", "A-DEC", "YE", "YE-DEC"), "A"),
    **dict.fromkeys(("Q", "Q-DEC", "QE", "QE-DEC"), "Q"),
    **dict.fromkeys(("M", "ME"), "M"),
}

#: Periods in a year, by frequency letter.
PERIODS_PER_YEAR: dict[str, int] = {"A": 1, "Q": 4, "M": 12}

#: The adjective of each frequency letter, for messages and labels.
FREQ_NAMES: dict[str, str] = {"A": "annual", "Q": "quarterly", "M": "monthly"}

#: strftime / d3-time-format pattern that prints a period of each frequency letter
#: (``2020``, ``2020 Q1``, ``2020-03``): chart axes, tables.
TIME_FORMAT: dict[str, str] = {"A": "%Y", "Q": "%Y Q%q", "M": "%Y-%m"}


def period_to_str(p: pd.Period) -> str:
    """Return the tidy table's text for a period: ``2020``, ``2020Q1`` or ``2020-03``.

    Parameters
    ----------
    p : pandas.Period

    Returns
    -------
    str

    Raises
    ------
    PeriodError
        For a frequency other than annual, quarterly or monthly.

    Examples
    --------
    >>> period_to_str(pd.Period("2020-03", freq="M"))
    '2020-03'
    """
    code = freq_code(p)
    if code == "A":
        return f"{p.year:04d}"
    if code == "Q":
        return f"{p.year:04d}Q{p.quarter}"
    return f"{p.year:04d}-{p.month:02d}"


#: The tidy table's period texts, by frequency letter (also used by the schema validator).
TIDY_PERIOD_PATTERNS = {
    "A": r"^(\d{4})$",
    "Q": r"^(\d{4})Q([1-4])$",
    "M": r"^(\d{4})-(0[1-9]|1[0-2])$",
}
_STR_RE = {code: re.compile(pattern) for code, pattern in TIDY_PERIOD_PATTERNS.items()}


def str_to_period(s: str, freq: str) -> pd.Period:
    """Inverse of :func:`period_to_str`: parse the tidy table's period text.

    Parameters
    ----------
    s : str
        ``2020`` (annual), ``2020Q1`` (quarterly) or ``2020-03`` (monthly).
    freq : {'A', 'Q', 'M'}
        The row's frequency (``'Y'`` is accepted for annual).

    Returns
    -------
    pandas.Period

    Raises
    ------
    PeriodError
        When ``s`` is not in the form of ``freq``.

    Examples
    --------
    >>> str_to_period("2020Q1", "Q")
    Period('2020Q1', 'Q-DEC')
    """
    code = "A" if freq == "Y" else freq
    if code not in _STR_RE:
        raise _fail(str(s), f"freq {freq!r} is not one of 'A', 'Q', 'M'")
    return _tidy_period(str(s), code)


@lru_cache(maxsize=65536)
def _tidy_period(s: str, code: str) -> pd.Period:
    """Parse one tidy period text of a known frequency code (once: a panel repeats them)."""
    m = _STR_RE[code].match(s)
    if m is None:
        example = {"A": "'2020'", "Q": "'2020Q1'", "M": "'2020-03'"}[code]
        raise _fail(str(s), f"not a {code} period of the tidy table (expected e.g. {example})")
    year = int(m.group(1))
    if code == "A":
        return pd.Period(year=year, freq="Y")
    if code == "Q":
        return pd.Period(year=year, quarter=int(m.group(2)), freq="Q")
    return pd.Period(year=year, month=int(m.group(2)), freq="M")


def parse_periods(labels: pd.Series | Iterable[str], *, year: int | None = None) -> pd.DataFrame:
    """Parse a column of period labels, each distinct label once.

    Parameters
    ----------
    labels : pandas.Series or sequence of str
        Labels in any form :func:`parse_period` reads; the result keeps a Series'
        index (a sequence gets a RangeIndex).
    year : int, optional
        Passed to :func:`parse_period` for labels without a year.

    Returns
    -------
    pandas.DataFrame
        Columns ``period`` (object, :class:`pandas.Period`), ``freq`` (``'A'``,
        ``'Q'`` or ``'M'``) and ``ytd`` (bool), index aligned with ``labels``.

    Raises
    ------
    PeriodError
        For the first bad label; the message gives its position (0-based) and index
        label as well as the reason.

    Examples
    --------
    >>> parse_periods(["2020年1-3月", "2020Q1", "2020"])
        period freq    ytd
    0  2020-03    M   True
    1   2020Q1    Q  False
    2     2020    A  False
    """
    if isinstance(labels, pd.Series):
        index = labels.index
        values = labels.to_numpy(dtype=object)
    else:
        values = np.asarray(list(labels), dtype=object)
        index = pd.RangeIndex(len(values))
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if (codes == -1).any():
        pos = int(np.flatnonzero(codes == -1)[0])
        raise PeriodError(
            f"missing period label at position {pos} (index {index[pos]!r})", value=values[pos]
        )
    periods = np.empty(len(uniques), dtype=object)
    freqs = np.empty(len(uniques), dtype=object)
    ytds = np.empty(len(uniques), dtype=bool)
    for i, lab in enumerate(uniques):
        try:
            p, ytd = parse_period(lab, year=year)
        except PeriodError as exc:
            pos = int(np.flatnonzero(codes == i)[0])
            raise PeriodError(
                f"{exc.reason} (at position {pos}, index {index[pos]!r})", value=exc.value
            ) from None
        periods[i] = p
        freqs[i] = freq_code(p)
        ytds[i] = ytd
    return pd.DataFrame(
        {
            "period": pd.Series(periods.take(codes), index=index, dtype=object),
            "freq": pd.Series(freqs.take(codes), index=index, dtype=str),
            "ytd": pd.Series(ytds.take(codes), index=index, dtype=bool),
        },
        index=index,
    )


def periods_per_year(index: pd.PeriodIndex, *, name: str = "series") -> int:
    """Return 1, 4 or 12 for an annual, quarterly or monthly PeriodIndex.

    Parameters
    ----------
    index : pandas.PeriodIndex
        The periods of a series.
    name : str
        The series' name in the error message.

    Returns
    -------
    int

    Raises
    ------
    ParameterError
        For any other frequency (weekly, two-monthly ...).

    Examples
    --------
    >>> periods_per_year(pd.period_range("2020Q1", periods=2, freq="Q"))
    4
    """
    freq = getattr(index, "freq", None)
    if isinstance(freq, pd.offsets.YearEnd) and freq.n == 1:
        return 1
    if isinstance(freq, pd.offsets.QuarterEnd) and freq.n == 1:
        return 4
    if isinstance(freq, pd.offsets.MonthEnd) and freq.n == 1:
        return 12
    raise ParameterError(
        f"{name} has frequency {getattr(index, 'freqstr', None)!r}; annual ('Y'), quarterly "
        "('Q') or monthly ('M') periods are expected"
    )


def tidy_period_index(periods: Iterable[str], freq: str) -> pd.PeriodIndex:
    """Return the tidy table's period texts of one frequency as a PeriodIndex.

    Each distinct text is parsed once (:func:`str_to_period`), so a long column is cheap.

    Parameters
    ----------
    periods : iterable of str
        ``2020`` / ``2020Q1`` / ``2020-03`` texts, all of frequency ``freq``.
    freq : {'A', 'Q', 'M'}

    Returns
    -------
    pandas.PeriodIndex

    Examples
    --------
    >>> tidy_period_index(["2020Q1", "2020Q2", "2020Q1"], "Q")
    PeriodIndex(['2020Q1', '2020Q2', '2020Q1'], dtype='period[Q-DEC]')
    """
    if not isinstance(periods, (np.ndarray, pd.Series, pd.Index)):
        periods = list(periods)
    # missing values stay among the texts (parsed as "None" or "nan": an error, not a gap)
    codes, uniques = pd.factorize(np.asarray(periods, dtype=object), use_na_sentinel=False)
    ordinals = [str_to_period(str(u), freq).ordinal for u in uniques]
    parsed = pd.PeriodIndex.from_ordinals(ordinals, freq=PANDAS_FREQ[freq])
    return parsed.take(codes) if len(codes) else parsed[:0]


#: Which of two periods ending together :func:`latest_tidy_period` names: the finer one.
_FINENESS = {"A": 0, "Y": 0, "Q": 1, "M": 2}


def latest_tidy_period(periods: Iterable[str], freqs: Iterable[str]) -> str:
    """Return the period text, among rows of mixed frequencies, whose period ends last.

    Of periods that end together (``2022``, ``2022Q4``, ``2022-12``) the one of the finest
    frequency is named. Each frequency's texts are parsed at once
    (:func:`tidy_period_index`), not one by one.

    Examples
    --------
    >>> latest_tidy_period(["2022", "2023Q2", "2022-11"], ["A", "Q", "M"])
    '2023Q2'
    >>> latest_tidy_period(["2022Q4", "2022", "2022-12"], ["Q", "A", "M"])
    '2022-12'
    """
    texts: dict[str, set[str]] = {}
    listed = (p.tolist() if hasattr(p, "tolist") else p for p in (periods, freqs))  # 20x faster
    for text, freq in set(zip(*listed, strict=True)):
        texts.setdefault(freq, set()).add(text)
    if not texts:
        raise PeriodError("no periods to choose the latest from")
    best: tuple[tuple[pd.Timestamp, int], str] | None = None
    for freq, group in texts.items():
        ordered = sorted(group, key=str)
        index = tidy_period_index(ordered, "A" if freq == "Y" else freq)
        at = int(index.asi8.argmax())
        key = (index[at].end_time, _FINENESS.get(freq, -1))
        if best is None or key > best[0]:
            best = (key, ordered[at])
    assert best is not None
    return best[1]


def as_period_series(series: pd.Series, *, name: str = "series", min_length: int = 1) -> pd.Series:
    """Return ``series`` as a float Series on a sorted, unique :class:`pandas.PeriodIndex`.

    A :class:`~pandas.DatetimeIndex` is converted to periods of its inferred frequency.
    Missing values are kept (as NaN); models decide what they can do with gaps.

    Parameters
    ----------
    series : pandas.Series
        Values indexed by period (annual, quarterly or monthly).
    name : str
        The argument's name, used in error messages.
    min_length : int
        The fewest non-missing values the caller needs.

    Returns
    -------
    pandas.Series
        float64 values on a PeriodIndex.

    Raises
    ------
    ParameterError
        If the input is not a Series on a period or date index, or is not numeric.
    InsufficientDataError
        If fewer than ``min_length`` values are present.
    """
    if not isinstance(series, pd.Series):
        raise ParameterError(f"{name} must be a pandas Series, got {type(series).__name__}")
    idx = series.index
    if isinstance(idx, pd.DatetimeIndex):
        freq = idx.freqstr or pd.infer_freq(idx)
        if freq is None:
            raise ParameterError(
                f"{name} has a DatetimeIndex without a regular frequency; give a PeriodIndex"
            )
        try:
            # pandas 3 names annual/quarterly date offsets "YE-DEC"/"QE-DEC", which are not
            # period frequencies: let pandas derive the period frequency from the index.
            idx = pd.DatetimeIndex(idx, freq=freq).to_period()
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"{name}: cannot turn its dates into periods: {exc}") from None
    if not isinstance(idx, pd.PeriodIndex):
        raise ParameterError(
            f"{name} must be indexed by periods (pandas PeriodIndex), got {type(idx).__name__}"
        )
    if idx.has_duplicates:
        dup = idx[idx.duplicated()][0]
        raise ParameterError(f"{name} has period {dup} more than once")
    try:
        values = pd.to_numeric(series, errors="raise").astype("float64")
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must be numeric: {exc}") from None
    out = pd.Series(values.to_numpy(), index=idx, name=series.name).sort_index()
    n = int(np.isfinite(out.to_numpy()).sum())
    if n < min_length:
        raise InsufficientDataError(
            f"{name} has {n} non-missing values; at least {min_length} are needed"
        )
    return out


def coerce_period(value: Any, freq: Any, *, name: str) -> pd.Period:
    """Return ``value`` as a period of frequency ``freq`` (a shock, a window end ...).

    Parameters
    ----------
    value : str, int or pandas.Period
        ``"2020Q1"``, ``"2020-02"``, ``"2020"`` or ``2020`` (a calendar year), or a Period
        (converted to ``freq``, taking its start: the year 2020 is 2020Q1 quarterly).
    freq : str or pandas offset
        The frequency of the series the period belongs to.
    name : str
        The argument's name, used in the error message.

    Returns
    -------
    pandas.Period

    Raises
    ------
    ParameterError
        If ``value`` cannot be read as a period of ``freq``.

    Examples
    --------
    >>> coerce_period(2020, "Q", name="shock")
    Period('2020Q1', 'Q-DEC')
    """
    try:
        if isinstance(value, pd.Period):
            return value.asfreq(freq, how="start")
        if isinstance(value, str | int | np.integer) and not isinstance(value, bool):
            return pd.Period(str(value), freq=freq)
    except (ValueError, TypeError) as exc:
        raise ParameterError(
            f"{name}={value!r} is not a period label of frequency {freq!s}; expected e.g. "
            f"'2020Q1', '2020-02' or '2020' ({exc})"
        ) from None
    raise ParameterError(
        f"{name} must be a period label (str) or a pandas Period, got {type(value).__name__}"
    )


def to_period(value: Any, *, name: str = "period") -> pd.Period:
    """Return a period given as a Period, a tidy-table text or any label :func:`parse_period` reads.

    Parameters
    ----------
    value : pandas.Period or str
        ``2020``, ``2020Q1``, ``2020-03`` (the tidy table's texts), ``2020年一季度`` ...
    name : str
        The argument's name, used in the error message.

    Returns
    -------
    pandas.Period
        Annual, quarterly or monthly.

    Raises
    ------
    ParameterError
        If ``value`` is not a period.

    Examples
    --------
    >>> to_period("2020Q1"), to_period("2020-03"), to_period("2020")
    (Period('2020Q1', 'Q-DEC'), Period('2020-03', 'M'), Period('2020', 'Y-DEC'))
    """
    if isinstance(value, pd.Period):
        return value
    text = str(value).strip()
    for code, pattern in _STR_RE.items():
        if pattern.match(text):
            return str_to_period(text, code)
    try:
        return parse_period(text)[0]
    except PeriodError:
        raise ParameterError(
            f"{name}={value!r} is not a period; use a year '2020', a quarter '2020Q1' or a "
            "month '2020-03'"
        ) from None


def check_not_after(
    shock: Any, as_of: Any, *, shock_name: str = "shock", as_of_name: str = "as_of"
) -> None:
    """Raise unless the shock starts at or before the end of the as-of period.

    Parameters
    ----------
    shock, as_of : pandas.Period or str
        Periods as :func:`to_period` reads them; frequencies may differ (a shock
        ``"2020"`` and an as-of ``"2020Q4"`` compare by their dates).
    shock_name, as_of_name : str
        The arguments' names, used in the message.

    Raises
    ------
    ParameterError
        If either is not a period, or the shock starts after the as-of period ends.

    Examples
    --------
    >>> check_not_after("2020Q1", "2023-06")
    >>> check_not_after("2021", "2020Q4")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ParameterError: shock='2021' starts after as_of='2020Q4' ends; the shock must be ...
    """
    start = to_period(shock, name=shock_name).start_time
    end = to_period(as_of, name=as_of_name).end_time
    if start > end:
        raise ParameterError(
            f"{shock_name}={str(shock)!r} starts after {as_of_name}={str(as_of)!r} ends; the "
            "shock must be at or before the last period used"
        )


def format_periods(periods: Iterable[Any], limit: int = 12, *, empty: str = "") -> str:
    """Write periods for a message: ``2019, 2022``; past ``limit``, the first and a count.

    Parameters
    ----------
    periods : iterable
        Periods (or their labels), in the order to print them.
    limit : int
        The most periods written out.
    empty : str
        What to return when there are none (``"none"`` reads well in a sentence).

    Returns
    -------
    str

    Examples
    --------
    >>> idx = pd.period_range("2020-01", periods=5, freq="M")
    >>> format_periods(idx), format_periods(idx, limit=2), format_periods([], empty="none")
    ('2020-01, 2020-02, 2020-03, 2020-04, 2020-05', '2020-01, 2020-02, ... (5 in all)', 'none')
    """
    labels = [str(p) for p in periods]
    if not labels:
        return empty
    if len(labels) > limit:
        return ", ".join(labels[:limit]) + f", ... ({len(labels)} in all)"
    return ", ".join(labels)
