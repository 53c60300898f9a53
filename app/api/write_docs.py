"""The request bodies of the API's writes, as the OpenAPI document shows them: schema and example each
(app.api.openapi.json_body). The rules themselves are the models'; this only describes them."""

from app.api.openapi import json_body, model_schema, register_schema
from app.imports.schemas import ROW_MODELS, SECTIONS
from app.jobs.moderation import EDITABLE
from app.jobs.schemas import JobIn
from app.workspace.schemas import ListingForm

LISTING_EXAMPLE = {"kind": "product", "category": "hardware/cryogenics", "title": "Pulse tube cooler",
                   "title_zh": "脉冲管制冷机", "summary": "4 K without liquid helium", "tags": ["cryocooler", "4 K"],
                   "trl": 7}
JOB_EXAMPLE = {"title": "Microwave engineer", "title_zh": "微波工程师", "function": "engineering",
               "employment_type": "full_time", "workplace": "onsite", "country": "CN", "city": "Hefei",
               "description": "Design readout chains for superconducting qubits.",
               "apply_url": "https://alpha.example/jobs/1", "salary_min": 25000, "salary_max": 40000,
               "salary_currency": "CNY", "salary_period": "month"}
BUNDLE_EXAMPLE = {
    "organizations": [{"slug": "alpha-cryo", "name": "Alpha Cryo", "name_zh": "阿尔法低温", "org_type": "sme",
                       "membership": "full", "country": "CN", "province": "CN-AH", "city": "Hefei",
                       "website": "https://alpha.example", "description": "Dilution refrigerators.",
                       "offers": ["hardware/cryogenics"], "needs": []}],
    "listings": [{"org": "alpha-cryo", "kind": "product", "category": "hardware/cryogenics",
                  "title": "Dilution refrigerator DR-200", "title_zh": "DR-200 稀释制冷机", "trl": 8}],
    "jobs": [{"org": "alpha-cryo", "title": "Cryogenic engineer", "function": "engineering",
              "employment_type": "full_time", "country": "CN", "city": "Hefei", "workplace": "onsite",
              "description": "Build and service dilution refrigerators.", "apply_url": "https://alpha.example/careers"}],
}
MEMBER_JOB_FIELDS = tuple(EDITABLE)


def _bundle_schema() -> dict:
    return {"title": "ImportBundle", "type": "object", "additionalProperties": False,
            "properties": {section: {"type": "array", "items": {"$ref": f"#/components/schemas/Import{ROW_MODELS[section].__name__}"}}
                           for section in SECTIONS}}


for _model in ROW_MODELS.values():  # each section's row model, a component the bundle's schema refers to
    register_schema(f"Import{_model.__name__}", model_schema(_model))
NEW_LISTING = json_body("ListingForm", model_schema(ListingForm), LISTING_EXAMPLE, "A new listing; it starts as a draft.")
LISTING_CHANGES = json_body("ListingChanges", model_schema(ListingForm, partial=True),
                            {"version": 3, "title": "Pulse tube cooler PT-415", "trl": 8},
                            "The fields to change, and the `version` you last read.")
NEW_JOB = json_body("JobForm", model_schema(JobIn, only=MEMBER_JOB_FIELDS), JOB_EXAMPLE,
                    "A new posting; it starts as a draft (give exactly one of apply_url and apply_email).")
JOB_CHANGES = json_body("JobChanges", model_schema(JobIn, only=MEMBER_JOB_FIELDS, partial=True),
                        {"version": 2, "title": "Senior microwave engineer"},
                        "The fields to change, and the `version` you last read; a published posting goes back to review.")
BUNDLE = json_body("ImportBundle", _bundle_schema, BUNDLE_EXAMPLE,
                   "All of it is validated first: one bad row refuses the bundle, naming each row and field.")
