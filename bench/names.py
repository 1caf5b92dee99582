"""Plausible Chinese place names for the generated county (repeats happen, as in real counties)."""
import random

FIRST = "东西南北上下前后大小新老长高白青黄红金石山水河湖塘溪桥岭坑坪坞岙田林竹松梅桃李杨柳杜陈王张周吴徐孙马朱胡郑"
SECOND = "家庄湾头口岗坝洋峰岩沙塘墩埠浦港畈垟岱岭圩桥园林村里堡寨坊巷营店庙亭"
TOWN_SUFFIX = ("镇", "乡", "街道")


def village_names(count: int, rng: random.Random) -> list[str]:
    """Return count village names such as 东湖村 or 石塘口村."""
    names = []
    for _ in range(count):
        length = 2 if rng.random() < 0.8 else 3
        chars = [rng.choice(FIRST)] + [rng.choice(SECOND) for _ in range(length - 1)]
        names.append("".join(chars) + "村")
    return names


def township_names(count: int, rng: random.Random) -> list[str]:
    """Return count township names such as 青山镇."""
    return [rng.choice(FIRST) + rng.choice(FIRST) + rng.choice(TOWN_SUFFIX) for _ in range(count)]
