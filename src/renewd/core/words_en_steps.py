"""The English wording catalogue: the Shanghai points pack's steps (`shanghai-points.*`): their
titles, what to do and to ask, what to know, short names, feed texts and materials, as in
`words_zh_steps.py`. Merged into `renewd.core.words_en`."""

from __future__ import annotations

STEPS_EN: dict[str, str] = {
    "shanghai-points.prepare.title": "prepare the renewal",
    "shanghai-points.permit_window.title": "permit renewal window opens",
    "shanghai-points.permit_renewal.title": "residence permit endorsement (renewal)",
    "shanghai-points.points_application.title": "points renewal application (续办申请)",
    "shanghai-points.employer_submission.title": "employer's online review and hand-in",
    "shanghai-points.points_approval.title": "points approval",
    "shanghai-points.collect_notice.title": "print or collect the points notice",
    "shanghai-points.expiry.title": "permit and points expire",
    "shanghai-points.expiry.title.permit": "permit expires",
    "shanghai-points.grace_end.title": "last day to endorse late",
    "shanghai-points.prepare.do.permit": "Gather the materials; check that social insurance was "
    "paid without"
    " gaps and whether the employer changed. A gap or a job change puts the endorsement at"
    " risk: see to it early.",
    "shanghai-points.prepare.do": "Gather the materials; check that social insurance was paid "
    "without gaps and"
    " whether the employer or a points item (education, title, spouse, child) changed. A gap or a"
    " job change puts the renewal at risk: tell HR early.",
    "shanghai-points.permit_window.do": "From today the residence permit can be endorsed "
    "(renewed).",
    "shanghai-points.permit_renewal.do": "Endorse the residence permit online (一网通办) or at the"
    " community"
    " affairs service centre, then tell HR it is done.",
    "shanghai-points.permit_renewal.do.sms": "Most holders (registered address matches, legally "
    "employed) are"
    " endorsed automatically and get an SMS: watch for it. Without it by {check}, apply online"
    " (一网通办) or at the community affairs service centre.",
    "shanghai-points.permit_renewal.do.at_open": "Time is short: the window opens on {opens}; "
    "apply that day,"
    " online (一网通办) or at the community affairs service centre, without waiting for the"
    " automatic-endorsement SMS.",
    "shanghai-points.permit_renewal.do.apply": "No endorsement SMS and no renewal recorded: apply "
    "now, online"
    " (一网通办) or at the community affairs service centre, then tell HR.",
    "shanghai-points.points_application.do": "Once the permit renewal has synchronised (about 3 "
    "working days), log"
    " in to the points system and click 续办申请.",
    "shanghai-points.points_application.do.unconfirmed": "The permit renewal is not recorded yet "
    "(it may have"
    " been endorsed automatically): first confirm with the employee that the permit was endorsed"
    " (the endorsement SMS, or 一网通办), then log in to the points system, click 续办申请 and"
    " record the renewal in the console ({id}'s page, or ask the employee to click the"
    " confirmation link in his message). If it was not endorsed, have the employee endorse it"
    " now.",
    "shanghai-points.points_application.do.unconfirmed.holder": "Your permit renewal is not "
    "recorded yet (it may"
    " have been endorsed automatically): first check that the permit was endorsed (the"
    " endorsement SMS, or 一网通办), then log in to the points system, click 续办申请 and record"
    " the renewal (the confirmation link in your message, or tell HR). If it was not endorsed,"
    " endorse it now.",
    "shanghai-points.employer_submission.do": "Review the application online, click 提交申请, and "
    "hand in the"
    " sealed application form and the materials.",
    "shanghai-points.collect_notice.do": "After approval, print the points notice online or "
    "collect it at the"
    " district talent service centre.",
    "shanghai-points.collect_notice.do.approved": "The points were approved on {approved}: print"
    " the points notice online or collect it at the district talent service centre.",
    "shanghai-points.grace_end.do": "Endorsing within 60 days after expiry keeps the residence "
    "years continuous;"
    " this is the last day: endorse now.",
    "shanghai-points.points_application.ask": "Ask your employer's HR to click 续办申请 for you by"
    " {due}.",
    "shanghai-points.points_application.ask.unconfirmed": "Your permit renewal is not recorded "
    "yet (it may have"
    " been endorsed automatically): first check that the permit was endorsed (the endorsement"
    " SMS, or 一网通办); if it was, record the renewal (the confirmation link in your message, or"
    " tell HR) and ask your employer's HR to click 续办申请 for you {by}. If it was not endorsed,"
    " endorse it now.",
    "shanghai-points.employer_submission.ask": "Ask your employer's HR to review online and hand "
    "in the materials"
    " by {due}.",
    "shanghai-points.points_approval.info": "The points renewal is submitted; the approval SMS is "
    "expected between"
    " {opens} and {due}. Without it by {due}, ask the office.",
    "shanghai-points.expiry.info": "The last valid day of the residence permit and the points "
    "notice.",
    "shanghai-points.expiry.info.permit": "The last valid day of the residence permit.",
    "shanghai-points.expiry.info.renewed.permit": "The last valid day of the old residence permit.",
    "shanghai-points.expiry.info.renewed": "The last valid day of the old permit and points "
    "notice; the points"
    " cannot be used until the new ones are approved.",
    "shanghai-points.points_approval.hr.overdue": "Look the application up in the points"
    " system; once approved, record the approval day in the console (the employee confirming"
    " the notice records it too).",
    "shanghai-points.expiry.hr.renewed": "The permit is renewed but the points renewal is not"
    " approved yet: once the old notice expires the points cannot be used until the new"
    " approval; finish the employer's renewal steps soon.",
    "shanghai-points.permit_window.info": "From this day the residence permit can be endorsed "
    "(renewed).",
    "shanghai-points.points_approval.feed": "The points renewal is submitted: watch for the "
    "approval SMS; without"
    " it by this day, ask the office.",
    "shanghai-points.permit_renewal.feed.sms": "Most holders (registered address matches, legally "
    "employed) are"
    " endorsed automatically and get an SMS; without it about a week after the window opens,"
    " apply online (一网通办) or at the community affairs service centre.",
    "shanghai-points.prepare.short": "prepare",
    "shanghai-points.permit_window.short": "permit window opens",
    "shanghai-points.permit_renewal.short": "permit renewal",
    "shanghai-points.points_application.short": "points application",
    "shanghai-points.employer_submission.short": "employer submission",
    "shanghai-points.points_approval.short": "points approval",
    "shanghai-points.collect_notice.short": "collect the points notice",
    "shanghai-points.expiry.short": "permit expires",
    "shanghai-points.grace_end.short": "late endorsement ends",
    "shanghai-points.materials.hr_own": "the HR officer's own ID card (original and copy)",
    "shanghai-points.materials.holder_permit": "the holder's valid residence permit (original and "
    "copy)",
    "shanghai-points.materials.holder_id": "the holder's ID card (original and copy)",
    "shanghai-points.materials.application_form": "the application form printed online, sealed by "
    "the employer and signed by the holder",
    "shanghai-points.materials.own_permit": "your valid residence permit (original and copy)",
    "shanghai-points.materials.own_id": "your ID card (original and copy)",
    "shanghai-points.materials.own_signature": "your signature on the application form (the "
    "employer prints and seals it)",
    "shanghai-points.materials.permit_card": "your residence permit",
    "shanghai-points.materials.permit_id": "your ID card",
    "shanghai-points.materials.permit_sms": "the automatic-endorsement SMS, if any",
    "shanghai-points.materials.collect_id": "a valid ID document (when collecting at the district "
    "talent service centre)",
    "shanghai-points.materials.new_licence": "copy of the new employer's business licence",
    "shanghai-points.materials.labour_contract": "labour contract",
    "shanghai-points.materials.leaving_certificate": "leaving certificate from the previous "
    "employer",
    "shanghai-points.materials.diploma": "verified diploma",
    "shanghai-points.materials.title_certificate": "professional title certificate",
    "shanghai-points.materials.title_record": "review or exam record",
    "shanghai-points.materials.appointment": "appointment letter",
    "shanghai-points.materials.post_description": "post description",
    "shanghai-points.materials.marriage_certificate": "marriage certificate",
    "shanghai-points.materials.spouse_id": "spouse's ID card",
    "shanghai-points.materials.spouse_permit": "spouse's residence permit",
    "shanghai-points.materials.spouse_register": "spouse's household register",
    "shanghai-points.materials.child_permit": "child's residence permit or residence proof",
    "shanghai-points.materials.child_register": "child's household register",
    "shanghai-points.materials.divorce_certificate": "divorce certificate",
    "shanghai-points.materials.divorce_agreement": "divorce agreement or court judgment",
    "shanghai-points.points_approval.overdue": "The approval SMS was expected between {opens}"
    " and {due}; it is {n} days overdue: please ask HR (or the service counter) how the"
    " application stands.",
    "shanghai-points.points_approval.then": "Once the approval SMS comes, print the points notice"
    " online or collect it at the district talent service centre, and confirm with the link"
    " below.",
}
