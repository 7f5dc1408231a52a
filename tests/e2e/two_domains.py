"""One links file with everything a team's second domain brings: two short domains, a
campaign of 50 distributors, a device-targeted link and a password link, an expiring link
for WeChat visitors (open_in_browser) and one that starts later, beside plain links that
hosts answer by rule. The engine and browser suites build it into two sites
and check every link of each."""

from __future__ import annotations

from pathlib import Path

from generator.build import build, check
from generator.model import LinkSet
from tests.conftest import NOW

DOMAINS = ("go.example.com", "sale.example.cn")
PASSWORD = "correct horse battery"
DISTRIBUTORS = 50


def links_yaml(target: str) -> str:
    """The file, its targets on ``target`` (the browser suite's recording server)."""
    people = "\n".join(
        f"      - {{code: d{i:02d}, name: Distributor {i}}}" for i in range(DISTRIBUTORS - 1)
    )
    return f"""\
site:
  domains:
    - go.example.com
    - domain: sale.example.cn
      home: {target}/cn-home
  timezone: Asia/Shanghai
  home: {target}/home
links:
  plain: {target}/plain
  fixed:
    url: {target}/fixed?lang=en
    forward_query: false
  sale: {target}/sale
  sale@sale.example.cn: {target}/cn/sale
  everywhere:
    url: {target}/everywhere
    domains: all
    aliases: [ew]
  优惠券@sale.example.cn: {target}/cn/coupons
  gone:
    url: {target}/gone
    expires: 2026-01-01
  app:
    url: {target}/app/web
    domains: all
    devices:
      ios: {target}/app/ios
      android: {target}/app/android
      wechat: {target}/app/wechat
      desktop: {target}/app/desktop
  vip:
    url: {target}/vip/offer?k=1
    password: {PASSWORD}
    domains: all
  wx:
    url: {target}/wx
    title: Winter sale
    open_in_browser: true
    expires: 2027-03-31
    domains: all
  soon:
    url: {target}/soon
    starts: 2027-01-01
    domains: all
campaigns:
  spring:
    url: {target}/spring?lang=zh
    slug: spring-{{code}}
    expires: 2027-03-31
    domains: all
    distributors:
{people}
      - {{code: cn01, name: 王伟}}
"""


def build_sites(root: Path, target: str) -> tuple[Path, dict[str, LinkSet]]:
    """The two sites under ``root/_site``, and each domain's links."""
    (root / "links.yaml").write_text(links_yaml(target), encoding="utf-8")
    result = build(root / "links.yaml", root / "_site", NOW, cache_dir=None)
    assert result.written and result.error is None, (result.error, result.problems)
    assert list(result.domains) == list(DOMAINS)
    checked = check(root / "links.yaml")
    assert checked.linkset is not None
    sites = {d.name: checked.linkset.on(d) for d in checked.linkset.site.domains}
    return root / "_site", sites
