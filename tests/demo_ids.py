"""Codes of the demo county used across the tests."""
COUNTY = "339901"
TOWNSHIP = "339901101"  # 白石镇
OTHER_TOWNSHIP = "339901201"  # 东山乡
VILLAGE = "339901101202"  # 上塘村, the demo village with the richest content
OTHER_VILLAGE = "339901101203"  # 溪口村, same township
FAR_VILLAGE = "339901201201"  # 东山村, another township
