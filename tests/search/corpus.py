"""A small, known corpus for the search contract suite, built by the real document functions."""

from datetime import UTC, datetime, timedelta

from app.geography import derive_region
from app.models import Category, Job, Listing, Organization
from app.models.states import JobStatus, ListingStatus, OrgStatus
from app.search.documents import job_document, listing_document, organization_document

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _org(id: int, slug: str, name: str, name_zh: str, country: str, province: str | None, org_type: str,
         membership: str = "full") -> Organization:
    return Organization(
        id=id, slug=slug, name=name, name_zh=name_zh, org_type=org_type, membership=membership,
        status=OrgStatus.active, country=country, province=province, city="", region=derive_region(country, province),
        description=f"{name} is a member.", description_zh=f"{name_zh}是联盟成员。", domains=["computing"],
        created_at=NOW, approved_at=NOW,
    )


ORGS = {
    "beiyan": _org(1, "beiyan", "Beiyan Cryogenics", "北燕低温科技", "CN", "CN-BJ", "sme"),
    "guangbo": _org(2, "guangbo", "Guangbo Photon Detection", "光波探测", "CN", "CN-FJ", "sme", "associate"),
    "pengcheng": _org(3, "pengcheng", "Pengcheng Quantum Communications", "鹏城量子通信", "CN", "CN-GD", "large_enterprise"),
    "hefei": _org(4, "hefei", "Hefei Quantum Devices", "合肥量子器件", "CN", "CN-AH", "sme"),
    "nordlicht": _org(5, "nordlicht", "Nordlicht Photonics", "北光光子", "DE", None, "sme", "associate"),
    "thames": _org(6, "thames", "Thames Technology Legal", "泰晤士科技律师事务所", "GB", None, "other", "affiliate"),
    "harbin": _org(7, "harbin", "Bingcheng Polytechnic University", "冰城工业大学", "CN", "CN-HL", "academic"),
}


def _category(path: str) -> Category:
    return Category(id=abs(hash(path)) % 10_000, path=path, slug=path.split("/")[-1], name=path, name_zh=path)


def _listing(id: int, org: str, category: str, title: str, title_zh: str, body: str, body_zh: str,
             tags: list[str], days_old: int, kind: str = "product") -> dict:
    listing = Listing(
        id=id, slug=f"listing-{id}", organization_id=ORGS[org].id, kind=kind, category_id=0, title=title,
        title_zh=title_zh, summary=body[:80], summary_zh=body_zh[:40], description=body, description_zh=body_zh,
        tags=tags, status=ListingStatus.published, published_at=NOW - timedelta(days=days_old),
        last_confirmed_at=NOW - timedelta(days=days_old),
    )
    return listing_document(listing, ORGS[org], _category(category), confirmed_after=NOW - timedelta(days=180))


def _job(id: int, org: str, title: str, title_zh: str, function: str, employment_type: str, workplace: str,
         country: str, province: str | None, body: str, body_zh: str, days_old: int) -> dict:
    job = Job(
        id=id, slug=f"job-{id}", organization_id=ORGS[org].id, title=title, title_zh=title_zh, function=function,
        employment_type=employment_type, workplace=workplace, country=country, city="",
        region=derive_region(country, province), description=body, description_zh=body_zh,
        status=JobStatus.published, published_at=NOW - timedelta(days=days_old),
        expires_at=NOW + timedelta(days=300),
    )
    return job_document(job, ORGS[org], now=NOW)


def documents() -> list[dict]:
    return [
        _listing(1, "beiyan", "hardware/cryogenics", "BF-400 dilution refrigerator", "BF-400 稀释制冷机",
                 "Cryogen-free refrigerator reaching a base temperature below 10 mK.",
                 "无液氦稀释制冷机，基础温度低于 10 mK，适合超导量子比特实验。", ["mK", "cryostat"], 30),
        _listing(2, "guangbo", "hardware/light-sources-detectors", "Superconducting nanowire single-photon detector",
                 "超导纳米线单光子探测器", "Detection efficiency above 85 percent at 1550 nm with low dark counts.",
                 "1550 nm 探测效率高于 85%，暗计数低。", ["photon counting"], 20),
        _listing(3, "pengcheng", "applications-systems/communications-networking", "Metro QKD network",
                 "城域量子密钥分发网络", "Decoy-state quantum key distribution across a city fibre ring.",
                 "基于诱骗态协议的城域光纤环网密钥分发系统。", ["QKD"], 10),
        _listing(4, "hefei", "applications-systems/quantum-computers", "Trapped-ion quantum computer",
                 "离子阱量子计算机", "Twenty-four ytterbium ions with all-to-all connectivity.",
                 "二十四个镱离子，全连接架构。", ["ion trap"], 5),
        _listing(5, "nordlicht", "hardware/lasers", "Narrow-linewidth laser at 1550 nm", "1550 nm 窄线宽激光器",
                 "Linewidth below one kilohertz, ideal for atom interferometry and sensing.",
                 "线宽小于 1 kHz，适用于原子干涉与精密测量。", ["laser"], 40),
        _listing(6, "thames", "services/legal", "Patent and export-control counsel", "专利与出口管制法律服务",
                 "Counsel on patents, licensing and export control for quantum technology companies.",
                 "为量子科技企业提供专利、许可与出口管制法律服务。", ["legal"], 50, kind="service"),
        organization_document(ORGS["beiyan"], [_category("hardware/cryogenics")]),
        _job(1, "beiyan", "Cryogenic systems engineer", "低温系统工程师", "engineering", "full_time", "onsite",
             "CN", "CN-BJ", "Install and service dilution refrigerators for customers.", "负责稀释制冷机的安装与维护。", 3),
        _job(2, "hefei", "Postdoc in trapped ions", "离子阱方向博士后", "rd", "phd_postdoc", "onsite", "CN", "CN-AH",
             "Two-year postdoctoral position on ion trap control.", "为期两年的离子阱控制博士后职位。", 8),
        _job(3, "harbin", "Remote quantum software developer", "远程量子软件开发工程师", "engineering", "contract",
             "remote", "US", None, "Write compilers and simulators for quantum hardware.", "为量子硬件编写编译器与模拟器。", 1),
    ]


def ids(result) -> set[str]:
    return {f"{hit.type}-{hit.id}" for hit in result.hits}
