"""Read raw statistical files, in the layouts data really comes in, into the tidy format.

:func:`read_table` returns the long format of :mod:`lixia_econ.schema` (exactly
:data:`~lixia_econ.schema.COLUMNS`, in that order) from the layouts of
:data:`LAYOUTS`, one module each (:mod:`~lixia_econ.io.portal`,
:mod:`~lixia_econ.io.columns`, :mod:`~lixia_econ.io.long`, :mod:`~lixia_econ.io.wide`),
each registering its reader, options and detection in :mod:`lixia_econ.io._registry`:

``nbs_portal``
    Exports of the NBS data portal (data.stats.gov.cn), English or Chinese: title lines
    (``Database：Quarterly`` / ``数据库：季度数据``), a header row of periods newest first
    (``1Q 2026`` / ``2023年第四季度``), one row per series (``Gross Domestic Product,
    Current Quarter (100 million yuan)``, ``国内生产总值累计值(亿元)``, ``Indices of ...
    (preceding year=100) , Accumulated``), tab+comma separators, footnotes and a
    ``Data Sources`` line.
``columns``
    One period column and one column per series (the ``national_*`` files); each
    series column is described by the ``series`` option.
``long``
    One observation per row: region, indicator, period, value, unit (units and periods
    as printed), optional note, source_url, period_type, price_basis, measure, status.
``wide``
    Bulletin tables: indicators as rows and periods as columns (or transposed with
    ``orientation="columns"``), the unit in the indicator name (``社会消费品零售总额
    （亿元）``), in a ``单位``/``unit`` column or in a ``单位：亿元`` line above the
    table, growth columns or rows (``增长（%）``, ``比上年同期增长(%)``). Title lines
    above the header are skipped (the header is the first row with period labels in
    most of its cells). Year-to-date columns that all end a quarter (``2020年1-3月``,
    ``1-6月``, ``前三季度``, ``全年``) are quarterly year-to-date values.

``.xlsx`` workbooks are read with openpyxl (:mod:`~lixia_econ.io.xlsx`): merged header
cells are forward-filled and the sheet is read as ``wide`` (or the layout given). Text
files are decoded by their BOM, else as UTF-8, else as GB18030 (a superset of GBK and
GB2312).

Conventions shared by every layout
----------------------------------
- Values are in canonical units (money in 亿元; per-capita money in 元, the
  indicator's catalogue unit; growth in percent).
- A period label that is a range from January (``2012年1-2月``, ``2023 H1``) makes a
  year-to-date measure: ``level`` -> ``ytd_level``, ``yoy_pct`` -> ``ytd_yoy_pct``.
- Price basis of growth rates: real growth, and growth of GDP and of value added
  (``gdp``, ``va_*``, ``industrial_va_above_size``), is ``comparable`` (NBS 可比价);
  other growth (retail sales, investment, revenue, trade) is ``current``. Levels of
  money are ``current`` unless a file says constant prices. CPI, PMI and shares are
  ``na``.
- Cells holding a missing marker (``—``, ``-``, ``…``, blank ...) are dropped; their
  number is ``df.attrs["dropped_missing"]``. ``df.attrs["source_rows"]`` gives each
  row's line in the file (1-based, as an editor counts; the sheet row for xlsx).
- Footnote, note and source lines (``注：``, ``说明：``, ``数据来源：``, ``资料来源：``,
  ``Note``, ``Source``, ``Data Sources``, numbered lines under a ``注：``) are never read
  as data: they are the file's caveats, ``df.attrs["caveats"]`` (``{"row", "text"}``
  each); a line that looks like one but has numbers in its data cells is read as data
  and listed in ``df.attrs["flagged"]``.
- Errors name the file, the row, the column and the value.

Hostile input (issue 13): what is refused, what is flagged
-----------------------------------------------------------
Nothing is read half: a file is read whole or refused with a :class:`DataFormatError`
naming the file, the row (for a workbook the sheet and cell) and the value.

- A row with a non-empty cell beyond the header's last column (an unquoted thousands
  separator ``271.90,2487.90``, a stray comma) is refused in every CSV-based layout
  (``columns``, ``long``, ``wide``; ``nbs_portal`` already was); an empty cell there (a
  trailing comma) is fine. A header naming a column twice is refused, naming both.
- A text file whose last line has no newline and fewer cells than the header was cut
  off: refused, naming the last row. If that last line is as wide as the header its
  last cell may still be cut (``6.8`` -> ``6.``): the row is read and listed in
  ``attrs["caveats"]``. A portal export whose last line is a data row without newline
  and without its ``Data Sources`` footer is refused.
- Footnotes (``Note：``, ``Data Sources：``) anywhere in a portal export are caveats;
  data rows after them are read.
- Numbers: ``1e400`` and other non-finite numbers are refused
  (:func:`lixia_econ.units.parse_number`); a cell over 131,072 characters, an odd-length
  UTF-16 file, a bad Chinese numeral (``2012年十十月``) and a corrupt workbook are
  :class:`DataFormatError`/:class:`PeriodError` naming the file.
- Workbooks (:mod:`~lixia_econ.io.xlsx`): only cells holding values are visited, with
  limits on their number and area; percent-formatted numbers are read as shown
  (``-3.9%`` is ``-3.9``); an ambiguous numeric period header (``2020.1``) is refused
  unless shown with two decimals (``2020.10`` is October); a formula without a cached
  value is refused; several sheets with values need ``sheet=``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from lixia_econ import config
from lixia_econ.errors import DataFormatError
from lixia_econ.io import xlsx
from lixia_econ.io._common import Observations, Source, decode_bytes
from lixia_econ.io._registry import detect_layout, get_reader, layout_names

# Each layout module registers its reader when imported; this order is the order of
# LAYOUTS and breaks ties of detection.
# isort: off
from lixia_econ.io import portal, columns, long, wide  # noqa: F401
# isort: on

__all__ = ["LAYOUTS", "decode_bytes", "read_table"]

#: The layouts :func:`read_table` reads (one module of this package each).
LAYOUTS: tuple[str, ...] = layout_names()


def read_table(
    path: str | Path,
    *,
    layout: str | None = None,
    encoding: str | None = None,
    categorical: bool = False,
    **options: Any,
) -> pd.DataFrame:
    r"""Read a raw file into the tidy long format.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.tsv``/``.txt`` text file or an ``.xlsx`` workbook.
    layout : {'nbs_portal', 'columns', 'long', 'wide'}, optional
        Detected from the content when omitted: a ``Database：``/``数据库：`` title or
        an ``Indicators\t,`` header is ``nbs_portal``; a header with indicator, period
        and value columns is ``long``; period labels across the header are ``wide``;
        otherwise ``columns`` (which needs ``series``).
    encoding : str, optional
        Text encoding; by default the BOM, else UTF-8, else GB18030.
    categorical : bool
        Text columns as categoricals with sorted text categories
        (:func:`lixia_econ.schema.as_category`) instead of ``str``: the same table
        without a string per row (what the build reads).
    **options
        Layout options (anything else raises :class:`ParameterError`):

        - ``nbs_portal``: ``region`` (default ``"000000"``, China), ``price_basis``
          for level rows (default ``current``, ``comparable`` if the footnotes say
          constant prices), ``aliases`` ({row-label stem: indicator code}).
        - ``columns``: ``period_column`` (default the first column), ``freq``
          (``"Q"`` turns ``2020-03`` into ``2020Q1``), ``series`` ({column: {indicator,
          measure, unit, price_basis[, status, note]}}), ``region`` (default China).
        - ``long``: ``region`` (used when the file has no region column), ``within``
          (a region code that settles names several regions share: ``市中区`` within
          ``370100`` is Jinan's), ``aliases``.
        - ``wide``: ``region`` (required), ``orientation`` (``"rows"``: indicators as
          rows, the default; ``"columns"``: periods as rows), ``header_rows`` (default
          1; for xlsx, taken from the merged header cells), ``period`` (for columns
          whose header is not a period, e.g. ``绝对额（亿元）``), ``price_basis``,
          ``aliases``.
        - ``.xlsx``: ``sheet`` (name or index, default the first).
        - any layout: ``source`` (the text of the ``source`` column; default the file
          relative to the raw folder holding it).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`lixia_econ.schema.COLUMNS` in that order; ``value`` float64 in
        canonical units (money 亿元, per-capita money 元, growth percent); ``status``
        ``published`` (``target`` for plans); ``source`` the file (plus ``' | '`` and
        the page for long tables with ``source_url``); ``note`` ``''`` when none.
        ``attrs``: ``dropped_missing`` (cells with a missing marker, dropped),
        ``dropped_duplicates`` (rows repeating another exactly), ``source_rows``
        (each row's line in the file), ``layout``, ``path``, ``caveats`` and
        ``flagged`` (footnote, note and source lines, see the module docstring),
        ``titles`` (title lines above a bulletin table).

    Raises
    ------
    DataFormatError
        The file cannot be decoded, is empty or header-only, has text in a number
        cell, an unknown region or indicator (subclasses: :class:`PeriodError` for a
        bad period label, :class:`UnitError` for an unknown or unfitting unit).
    SchemaError
        The same observation twice with two different values (both rows named).
    ParameterError
        An unknown layout or option, or a bad option value.

    Notes
    -----
    Conventions (units, year-to-date measures, price basis of growth rates) are in
    the module docstring. A period label that is a range from January in a
    ``columns`` file (``2012年1-2月`` in the retail file) turns ``level`` into
    ``ytd_level`` and ``yoy_pct`` into ``ytd_yoy_pct`` at the range's end (February),
    with a note saying January and February were released together: the value is
    the two-month total, not February's.

    Examples
    --------
    >>> from lixia_econ.config import RAW_DIR
    >>> df = read_table(RAW_DIR / "jinan_lixia_public_figures.csv")
    >>> df.loc[(df.region == "370102") & (df.period == "2022"), "value"].iloc[0]
    np.float64(2282.9)
    """
    path = Path(path)
    reader = get_reader(layout) if layout is not None else None
    if not path.is_file():
        raise DataFormatError("file not found", path=path)
    source_name = options.pop("source", None) or _source_name(path)
    sheet = options.pop("sheet", None)
    try:
        content = _load(path, sheet=sheet, encoding=encoding)
        if reader is None:
            reader = get_reader(detect_layout(content))
        obs = Observations(path, source_name)
        reader(content, obs, **options)
        return obs.frame(reader.name, categorical=categorical)
    except DataFormatError as exc:  # every error about the file names it
        raise exc.located(path=path) from None


def _load(path: Path, *, sheet: str | int | None, encoding: str | None) -> Source:
    """Return the file's content: a workbook's sheet, or a text file's decoded text."""
    if path.suffix.lower() in xlsx.SUFFIXES:
        return xlsx.read_xlsx(path, sheet)
    data = path.read_bytes()
    if not data.strip():
        raise DataFormatError("the file is empty", path=path)
    content = Source(path, text=decode_bytes(data, path=path, encoding=encoding))
    if not content.first_line():
        raise DataFormatError("the file is empty", path=path)
    return content


def _source_name(path: Path) -> str:
    """Return the file relative to the raw folder holding it (manifest folder or data/raw)."""
    resolved = path.resolve()
    for parent in resolved.parents:
        if (parent / config.MANIFEST_NAME).is_file():
            return resolved.relative_to(parent).as_posix()
    try:
        return resolved.relative_to(config.RAW_DIR.resolve()).as_posix()
    except ValueError:
        return path.name
