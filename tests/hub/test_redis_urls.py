"""The Sentinel settings (config/redis_urls.py): one location, read back alike by every client."""

import pytest

from config import redis_urls


def test_the_location_takes_database_and_password_from_redis_url_and_reads_back():
    location = redis_urls.sentinel_location(
        sentinels="10.0.0.1:26379, sentinel-b, [::1]:26380",
        master_name="hub",
        redis_url="redis://:s%40cret@ignored:6379/3",
    )
    assert location.sentinels == (("10.0.0.1", 26379), ("sentinel-b", 26379), ("::1", 26380))
    assert (location.master_name, location.db, location.password) == ("hub", 3, "s@cret")
    assert redis_urls.parse_location(location.url) == location
    assert redis_urls.parse_location("redis://127.0.0.1:6379/0") is None


def test_celery_gets_one_sentinel_url_each_and_the_master_in_its_options():
    location = redis_urls.sentinel_location(sentinels="a:1,b:2", master_name="hub", redis_url="").with_db(1)
    assert redis_urls.celery_broker_url(location) == "sentinel://a:1/1;sentinel://b:2/1"
    assert redis_urls.celery_transport_options(location)["master_name"] == "hub"


def test_the_channel_layer_gets_sentinels_and_master_name():
    location = redis_urls.sentinel_location(sentinels="a:1", master_name="hub", redis_url="redis://x/2")
    host = redis_urls.channel_layer_host(location, socket_timeout=None)
    assert (host["sentinels"], host["master_name"], host["db"], host["socket_timeout"]) == ([("a", 1)], "hub", 2, None)


def test_a_sentinel_without_a_host_is_refused():
    with pytest.raises(ValueError, match="host:port"):
        redis_urls.parse_sentinels("a:1,:2")
