"""The English catalogue's words for the policy packs other than Shanghai points (docs/packs.md):
each shipped pack's title, its steps' names and instructions (`<pack>.<kind>.title|short|do`) and
the materials its steps' checklists name (`<pack>.materials.<name>`); a user's pack carries its
own words in its file. Merged into `renewd.core.words_en`."""

PACKS_EN: dict[str, str] = {
    "packs.note.gap": "lapse {gap}d",
    "packs.note.cut_off": "past the filing cut-off: a new application is needed",
    "packs.checklist": "Materials: {items}",
    "packs.checklist.sep": "; ",
    "packs.next": "{person} · {document}: {step}, by {due}. {do}",
    # foreign-work-permit
    "foreign-work-permit.title": "Foreign work permit",
    "foreign-work-permit.filing_window.title": "Work-permit extension filing opens",
    "foreign-work-permit.filing_window.short": "Filing opens",
    "foreign-work-permit.filing_window.do": "From today the extension can be filed in the "
    "foreigners' work management system.",
    "foreign-work-permit.extension_filing.title": "File the work-permit extension",
    "foreign-work-permit.extension_filing.short": "File extension",
    "foreign-work-permit.extension_filing.do": "File the work-permit extension in the foreigners' "
    "work management system; later than 30 days before the expiry the system refuses it and a new "
    "application is needed.",
    "foreign-work-permit.permit_processing.title": "Work-permit decision expected",
    "foreign-work-permit.permit_processing.short": "Decision",
    "foreign-work-permit.permit_processing.do": "The extension is being processed; watch for the "
    "system's notice.",
    "foreign-work-permit.holder_signature.title": "Holder signs for the extended permit",
    "foreign-work-permit.holder_signature.short": "Holder signs",
    "foreign-work-permit.holder_signature.do": "Sign for the extended work permit; the residence "
    "permit comes next.",
    "foreign-work-permit.expiry.title": "Work permit expires",
    "foreign-work-permit.expiry.short": "Expiry",
    "foreign-work-permit.expiry.do": "The work permit expires today.",
    "foreign-work-permit.materials.passport": "the holder's passport (valid beyond the extension)",
    "foreign-work-permit.materials.contract": "the renewed labour contract or letter of employment",
    "foreign-work-permit.materials.work_permit": "the current foreign work permit",
    "foreign-work-permit.materials.application_form": "the extension application form, filled in "
    "online, signed by the holder and sealed by the employer",
    "foreign-work-permit.materials.residence_permit": "the valid residence permit (its "
    "information page)",
    # foreign-residence-permit
    "foreign-residence-permit.title": "Foreign residence permit (work)",
    "foreign-residence-permit.employer_letter.title": "Write the employer's letter",
    "foreign-residence-permit.employer_letter.short": "Employer letter",
    "foreign-residence-permit.employer_letter.do": "Write and seal the employer's letter for the "
    "residence-permit extension.",
    "foreign-residence-permit.residence_application.title": "Apply at the exit-entry "
    "administration",
    "foreign-residence-permit.residence_application.short": "Apply",
    "foreign-residence-permit.residence_application.do": "Apply for the residence-permit "
    "extension at the exit-entry administration at least 30 days before the expiry.",
    "foreign-residence-permit.passport_held.title": "Decision expected (passport held)",
    "foreign-residence-permit.passport_held.short": "Decision",
    "foreign-residence-permit.passport_held.do": "The exit-entry administration holds the "
    "passport until the decision: do not plan travel abroad.",
    "foreign-residence-permit.passport_collection.title": "Collect the passport and permit",
    "foreign-residence-permit.passport_collection.short": "Collect passport",
    "foreign-residence-permit.passport_collection.do": "Collect the passport with the new "
    "residence permit, with the receipt.",
    "foreign-residence-permit.expiry.title": "Residence permit expires",
    "foreign-residence-permit.expiry.short": "Expiry",
    "foreign-residence-permit.expiry.do": "The residence permit expires today.",
    "foreign-residence-permit.materials.passport": "the passport",
    "foreign-residence-permit.materials.letter": "the employer's letter for the extension, sealed",
    "foreign-residence-permit.materials.work_permit": "the extended foreign work permit",
    "foreign-residence-permit.materials.photo": "a recent passport photo",
    "foreign-residence-permit.materials.registration": "the registration of residence",
    # hmt-residence-permit
    "hmt-residence-permit.title": "Residence permit for Hong Kong, Macao and Taiwan residents",
    "hmt-residence-permit.renewal_window.title": "The permit can be renewed",
    "hmt-residence-permit.renewal_window.short": "Renewal opens",
    "hmt-residence-permit.renewal_window.do": "From today the permit can be renewed at the "
    "designated police station.",
    "hmt-residence-permit.card_application.title": "Apply for the new permit at the police station",
    "hmt-residence-permit.card_application.short": "Apply",
    "hmt-residence-permit.card_application.do": "Apply in person at the designated police station.",
    "hmt-residence-permit.card_processing.title": "The new card is being made",
    "hmt-residence-permit.card_processing.short": "Processing",
    "hmt-residence-permit.card_processing.do": "Making the card takes about 20 working days; "
    "watch for the notice.",
    "hmt-residence-permit.card_collection.title": "Collect the new permit",
    "hmt-residence-permit.card_collection.short": "Collect",
    "hmt-residence-permit.card_collection.do": "Collect the new permit where you applied.",
    "hmt-residence-permit.expiry.title": "Permit expires",
    "hmt-residence-permit.expiry.short": "Expiry",
    "hmt-residence-permit.expiry.do": "The permit expires today.",
    "hmt-residence-permit.materials.travel_permit": "the Mainland travel permit for Hong Kong, "
    "Macao or Taiwan residents",
    "hmt-residence-permit.materials.old_card": "the current residence permit",
    "hmt-residence-permit.materials.residence_proof": "proof of residence, employment or study",
    "hmt-residence-permit.materials.photo": "a recent photo",
    # guangzhou-residence-permit
    "guangzhou-residence-permit.title": "Guangzhou residence permit",
    "guangzhou-residence-permit.endorsement_window.title": "Endorsement opens",
    "guangzhou-residence-permit.endorsement_window.short": "Endorsement opens",
    "guangzhou-residence-permit.endorsement_window.do": "From today the permit can be endorsed "
    "online (Yueshengshi) or at the local service centre.",
    "guangzhou-residence-permit.endorsement.title": "Endorse the residence permit",
    "guangzhou-residence-permit.endorsement.short": "Endorse",
    "guangzhou-residence-permit.endorsement.do": "Endorse the permit online (Yueshengshi) or at "
    "the local service centre before the anniversary of issue.",
    "guangzhou-residence-permit.expiry.title": "Anniversary of issue",
    "guangzhou-residence-permit.expiry.short": "Anniversary",
    "guangzhou-residence-permit.expiry.do": "The permit's endorsement runs out today.",
    "guangzhou-residence-permit.materials.card": "the residence permit",
    "guangzhou-residence-permit.materials.id_card": "the ID card",
    "guangzhou-residence-permit.materials.residence_proof": "proof of residence (lease or deed)",
}
