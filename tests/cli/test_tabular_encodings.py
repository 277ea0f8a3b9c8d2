"""The CLI's CSV reader takes files as spreadsheets save them: code pages, UTF-16, semicolons."""

from __future__ import annotations

import math

import pytest

from servicefit.tabular import TabularError, read_numeric_csv
from servicefit.textfile import TextDecodingError, decode_text, guess_delimiter


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("Søren Ærø, Åse Bøgh", "cp1252", "cp1252"),
        ("Åsa Öberg, Jäger", "cp1252", "cp1252"),
        ("Łukasz Żółć, Józef Gąska", "cp1250", "cp1250"),
        ("Świątek", "cp1250", "cp1250"),
        ("Søren Łukasz", "utf-8", "utf-8"),
        ("Søren Łukasz", "utf-8-sig", "utf-8-sig"),
        ("Søren Łukasz", "utf-16", "utf-16"),
        ("name\tSøren Łukasz", "utf-16-le", "utf-16-le"),  # no mark: told by its NULs
        ("name\tSøren Łukasz", "utf-16-be", "utf-16-be"),
    ],
)
def test_decode_text_finds_the_encoding_that_gives_the_letters(text, encoding, expected):
    data = text.encode(encoding)
    decoded = decode_text(data)
    assert (decoded.text, decoded.encoding) == (text, expected)


def test_a_tie_between_code_pages_is_refused_or_settled_by_the_hint():
    data = "Æble".encode("cp1252")  # Windows-1250 reads "Ćble", as plausible
    with pytest.raises(TextDecodingError) as refused:
        decode_text(data)
    assert refused.value.reason == "ambiguous"
    assert decode_text(data, prefer="cp1250").text == "Ćble"
    assert decode_text(data, prefer="cp1252").text == "Æble"


def test_utf8_with_a_few_broken_bytes_is_refused_rather_than_garbled():
    # two files pasted together: UTF-8 names and one Windows-1252 line
    data = "Søren Ærø\nÅse Bøgh\n".encode() + "Bo Ørsted\n".encode("cp1252")
    with pytest.raises(TextDecodingError) as refused:
        decode_text(data)
    assert refused.value.reason == "undecodable"


def test_the_separator_is_read_off_the_header():
    assert guess_delimiter("name;email\nHansen, Søren;s@example.dk\n") == ";"
    assert guess_delimiter("a\tb\n1,5\t2\n") == "\t"
    assert guess_delimiter("a,b\n") == ","
    assert guess_delimiter("single\n") == ","


def test_a_danish_excel_csv_with_semicolons_and_decimal_commas_is_read(tmp_path):
    path = tmp_path / "vurderinger.csv"
    path.write_bytes("id;Første;Ånd\nA;3,5;4\nB;2;NA\n".encode("cp1252"))
    table = read_numeric_csv(path)
    assert table.columns == ("Første", "Ånd")
    assert table.labels == ("A", "B")
    assert table.data[0].tolist() == [3.5, 4.0]
    assert table.data[1, 0] == 2.0 and math.isnan(table.data[1, 1])


def test_a_utf16_unicode_text_file_is_read(tmp_path):
    path = tmp_path / "items.txt"
    path.write_bytes("Łączność\tŻyczliwość\n1\t2\n3\t4\n".encode("utf-16"))
    table = read_numeric_csv(path)
    assert table.columns == ("Łączność", "Życzliwość")
    assert table.data.tolist() == [[1.0, 2.0], [3.0, 4.0]]


OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200) + b"a,b\n1,2\n"


def test_binary_bytes_are_refused_but_a_stray_nul_in_text_is_kept():
    with pytest.raises(TextDecodingError) as refused:
        decode_text(OLD_EXCEL)
    assert refused.value.reason == "binary"
    assert decode_text(b"name,email\nAnna\x00 Berg,a@example.com\n").encoding == "utf-8"


def test_a_binary_file_is_named_as_such(tmp_path):
    path = tmp_path / "items.csv"
    path.write_bytes(OLD_EXCEL)
    with pytest.raises(TabularError, match="not a text file"):
        read_numeric_csv(path)
