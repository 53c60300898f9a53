import pytest

from app.geography import CN_PROVINCES, COUNTRY_CONTINENT, derive_region, province_of_city
from app.models.vocab import Region


@pytest.mark.parametrize(
    ("province", "region"),
    [
        ("CN-BJ", Region.east),
        ("CN-GD", Region.east),
        ("CN-HI", Region.east),
        ("CN-AH", Region.central),
        ("CN-HB", Region.central),
        ("CN-SN", Region.west),
        ("CN-NM", Region.west),
        ("CN-GX", Region.west),
        ("CN-LN", Region.northeast),
        ("CN-HL", Region.northeast),
        ("CN-HK", Region.hk_macao_taiwan),
    ],
)
def test_chinese_region_follows_the_statistics_grouping(province, region):
    assert derive_region("CN", province) == region


def test_grouping_sizes_match_the_national_statistics_bureau():
    sizes = {}
    for _, _, region in CN_PROVINCES.values():
        sizes[region] = sizes.get(region, 0) + 1
    assert sizes == {Region.east: 10, Region.central: 6, Region.west: 12, Region.northeast: 3, Region.hk_macao_taiwan: 3}


@pytest.mark.parametrize(
    ("country", "region"),
    [("DE", Region.europe), ("US", Region.north_america), ("BR", Region.south_america), ("JP", Region.asia),
     ("AU", Region.oceania), ("ZA", Region.africa), ("SG", Region.asia)],
)
def test_elsewhere_the_region_is_the_continent(country, region):
    assert derive_region(country, "ignored") == region


def test_every_iso_country_is_placed():
    assert len(COUNTRY_CONTINENT) == 249


@pytest.mark.parametrize(
    ("country", "province", "message"),
    [
        ("XX", None, "country: 'XX' is not an ISO 3166-1 alpha-2 code"),
        ("CN", None, "province: required"),
        ("CN", "CN-ZZ", "province: 'CN-ZZ' is not"),
        ("cn", "CN-AH", "country:"),
    ],
)
def test_unplaceable_places_name_the_field(country, province, message):
    with pytest.raises(ValueError, match=message):
        derive_region(country, province)


@pytest.mark.parametrize(("city", "province"), [("Hefei", "CN-AH"), ("合肥", "CN-AH"), ("  shenzhen ", "CN-GD"),
                                                  ("Xi'an", "CN-SN"), ("武汉市", "CN-HB"), ("Atlantis", None), (None, None)])
def test_province_of_city(city, province):
    assert province_of_city(city) == province
