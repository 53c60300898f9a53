"""English and Chinese labels of every vocabulary value, for pages, facets and exports."""

from enum import StrEnum

from app.models.states import InquiryStatus, JobStatus, ListingStatus, OrgStatus, RequestStatus
from app.models.vocab import (
    EmploymentType,
    JobFunction,
    ListingKind,
    MemberRole,
    MembershipLevel,
    OrgType,
    Region,
    ResourceKind,
    Audience,
    ResourceLanguage,
    SizeBand,
    TechDomain,
    Workplace,
)

LABELS: dict[str, tuple[str, str]] = {
    # org_type
    OrgType.large_enterprise: ("Large enterprise", "大型企业"),
    OrgType.sme: ("SME", "中小企业"),
    OrgType.academic: ("University", "高校"),
    OrgType.research_institute: ("Research institute / national lab", "科研院所/国家实验室"),
    OrgType.government: ("Government body", "政府部门"),
    OrgType.association: ("Association / society", "协会/学会"),
    OrgType.investor: ("Investor", "投资机构"),
    OrgType.foundation: ("Foundation", "基金会"),
    OrgType.other: ("Other", "其他"),
    # membership
    MembershipLevel.full: ("Full member", "正式成员"),
    MembershipLevel.associate: ("Associate member", "准成员"),
    MembershipLevel.affiliate: ("Affiliate member", "附属成员"),
    # technology domains
    TechDomain.computing: ("Quantum computing", "量子计算"),
    TechDomain.communication: ("Quantum communication", "量子通信"),
    TechDomain.sensing_metrology: ("Sensing & metrology", "量子传感与计量"),
    TechDomain.simulation: ("Quantum simulation", "量子模拟"),
    TechDomain.basic_science: ("Basic science", "基础科学"),
    TechDomain.enabling: ("Enabling technologies", "使能技术"),
    # size bands
    SizeBand.micro: ("1–10 people", "1–10 人"),
    SizeBand.small: ("11–50 people", "11–50 人"),
    SizeBand.medium: ("51–200 people", "51–200 人"),
    SizeBand.large: ("201–1000 people", "201–1000 人"),
    SizeBand.very_large: ("1000+ people", "1000 人以上"),
    # listing kind
    ListingKind.product: ("Product", "产品"),
    ListingKind.service: ("Service", "服务"),
    # job function
    JobFunction.rd: ("Research & development", "研发"),
    JobFunction.engineering: ("Engineering", "工程"),
    JobFunction.technical_sales: ("Technical sales", "技术销售"),
    JobFunction.product_management: ("Product management", "产品管理"),
    JobFunction.strategy: ("Strategy", "战略"),
    JobFunction.finance: ("Finance", "财务"),
    JobFunction.legal: ("Legal", "法务"),
    JobFunction.administration: ("Administration", "行政"),
    JobFunction.other: ("Other", "其他"),
    # employment type
    EmploymentType.full_time: ("Full-time", "全职"),
    EmploymentType.part_time: ("Part-time", "兼职"),
    EmploymentType.internship: ("Internship", "实习"),
    EmploymentType.contract: ("Contract", "合同制"),
    EmploymentType.phd_postdoc: ("PhD / postdoc", "博士/博士后"),
    # workplace
    Workplace.onsite: ("On site", "现场办公"),
    Workplace.hybrid: ("Hybrid", "混合办公"),
    Workplace.remote: ("Remote", "远程"),
    # regions
    Region.east: ("Eastern China", "东部"),
    Region.central: ("Central China", "中部"),
    Region.west: ("Western China", "西部"),
    Region.northeast: ("Northeast China", "东北"),
    Region.hk_macao_taiwan: ("Hong Kong, Macao, Taiwan", "港澳台"),
    Region.asia: ("Asia", "亚洲"),
    Region.europe: ("Europe", "欧洲"),
    Region.north_america: ("North America", "北美洲"),
    Region.south_america: ("South America", "南美洲"),
    Region.africa: ("Africa", "非洲"),
    Region.oceania: ("Oceania", "大洋洲"),
    Region.antarctica: ("Antarctica", "南极洲"),
    # roles
    MemberRole.owner: ("Owner", "管理员"),
    MemberRole.editor: ("Editor", "编辑"),
    # statuses
    OrgStatus.pending: ("Pending approval", "待审核"),
    OrgStatus.active: ("Active", "正常"),
    OrgStatus.rejected: ("Rejected", "未通过"),
    OrgStatus.suspended: ("Suspended", "已暂停"),
    OrgStatus.deleted: ("Deleted", "已删除"),  # ListingStatus.deleted shares this label
    ListingStatus.draft: ("Draft", "草稿"),
    ListingStatus.published: ("Published", "已发布"),
    ListingStatus.archived: ("Archived", "已归档"),
    JobStatus.review: ("In review", "审核中"),
    JobStatus.rejected: ("Rejected", "未通过"),
    JobStatus.closed: ("Closed", "已关闭"),
    InquiryStatus.held: ("Held for review", "待审核"),
    InquiryStatus.open: ("Open", "待处理"),
    InquiryStatus.answered: ("Answered", "已回复"),
    InquiryStatus.closed: ("Closed", "已关闭"),
    # webinar proposals and requests to join a working group (pending shares OrgStatus.pending's label)
    RequestStatus.approved: ("Approved", "已通过"),
    RequestStatus.declined: ("Declined", "未通过"),
    RequestStatus.withdrawn: ("Withdrawn", "已撤回"),
    # learning resources (/learn)
    ResourceKind.course: ("Course", "课程"),
    ResourceKind.video: ("Video", "视频"),
    ResourceKind.game: ("Game", "游戏"),
    ResourceKind.reading: ("Reading", "读物"),
    Audience.school: ("School students", "中小学生"),
    Audience.university: ("University students", "大学生"),
    Audience.professional: ("Professionals", "从业者"),
    Audience.public: ("Everyone", "公众"),
    ResourceLanguage.zh: ("Chinese", "中文"),
    ResourceLanguage.en: ("English", "英文"),
    ResourceLanguage.both: ("Chinese and English", "中英文"),
}


def label(value: StrEnum | str | None, locale: str) -> str:
    """The reader's label for a vocabulary value; unknown values are shown as they are."""
    if value is None:
        return ""
    pair = LABELS.get(value)
    if pair is None:
        return str(value)
    return pair[1] if locale.startswith("zh") else pair[0]
