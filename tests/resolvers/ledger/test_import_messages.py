"""Import problems read in Chinese by default, English with `Accept-Language: en` (issue 19):
row problems (`rowErrors`), the payload error they cause and a file-level refusal; codes
stay the same in both."""

from __future__ import annotations

from tests.ledger_files import Row, csv_bytes
from tests.resolvers.ledger.conftest import Ledger


class TestImportMessages:
    async def test_row_problems_are_chinese_unless_english_is_asked(self, ledger: Ledger) -> None:
        office = ledger.as_unit("城区人民政府办公室")
        data = csv_bytes([Row("类", 1, "措施。", "2024年6月底前", "区水务局")])
        zh = await ledger.upload(data, "台账.csv", viewer=office)
        en = await ledger.upload(
            data, "台账.csv", viewer=office, extra_headers={"accept-language": "en"}
        )
        (zh_row,) = zh["report"]["rowErrors"]
        (en_row,) = en["report"]["rowErrors"]
        assert zh_row["code"] == en_row["code"] == "UNKNOWN_UNIT"
        assert zh_row["message"] == "区水务局 不是您权限范围内的单位"
        assert en_row["message"] == "区水务局 is not a unit in your scope"
        (zh_error,) = zh["errors"]
        (en_error,) = en["errors"]
        assert zh_error["code"] == en_error["code"] == "INVALID_INPUT"
        assert zh_error["message"] == "1 行有错误：未导入任何内容"
        assert en_error["message"] == "1 row errors: nothing was imported"

    async def test_a_file_refusal_is_chinese_unless_english_is_asked(self, ledger: Ledger) -> None:
        data = "名称,说明\r\n甲,乙\r\n".encode()
        zh = await ledger.upload(data, "台账.csv")
        en = await ledger.upload(data, "台账.csv", extra_headers={"accept-language": "en"})
        assert [(e["code"], e["field"]) for e in zh["errors"]] == [("INVALID_INPUT", "file")]
        assert [(e["code"], e["field"]) for e in en["errors"]] == [("INVALID_INPUT", "file")]
        assert zh["errors"][0]["message"].startswith("前 ")
        assert "表头行" in zh["errors"][0]["message"]
        assert en["errors"][0]["message"].startswith("no header row naming")
