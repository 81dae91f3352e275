from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

# The seed data of the log: the legislation UK authorities answer under and their
# exemptions, the staff roles, and the public log's first version (see PublicChange).
# Squashed before the first release.

# Each exemption belongs to a legislation, and its code is unique within it, not across
# all: s38(1)(b) is health and safety under FOIA, personal data under FOISA. The four
# legislations of the UK's authorities are made here; others can be added in the admin.
# (code, abbreviation, name, provisions, regulations beside it, position)
LEGISLATION = [
    ("eir", "EIR", "Environmental Information Regulations 2004", "regulations", None, 20),
    ("foia", "FOIA", "Freedom of Information Act 2000", "sections", "eir", 10),
    ("eisr", "EISR", "Environmental Information (Scotland) Regulations 2004", "regulations", None, 40),
    ("foisa", "FOISA", "Freedom of Information (Scotland) Act 2002", "sections", "eisr", 30),
]

# Besides EXEMPTIONS (below), with their statutory names. (code, legislation,
# name, kind, what it means, position)
#
# FOIA's whole sections, for logs that cite a section without its subsection ("S43
# Commercial Interests", "Section 31 - Law Enforcement"): named by the section's heading
# in the Act, placed just before the section's subsections. A section whose subsections
# differ in kind is "by-subsection": s36 is absolute only for the Houses of Parliament,
# s37(1)(a) to (ab) are absolute and the rest qualified, s40(1) is absolute and s40(2)
# only where disclosure would break the data protection principles.
FOIA_SECTIONS = [
    ("s23", "Information supplied by, or relating to, bodies dealing with security matters", "absolute",
     "Information supplied by or about the security bodies such as MI5, GCHQ or the NCA."),
    ("s24", "National security", "qualified",
     "Withholding is required to safeguard national security."),
    ("s26", "Defence", "qualified",
     "Disclosure would prejudice the defence of the British Islands or the armed forces."),
    ("s27", "International relations", "qualified",
     "Disclosure would prejudice relations between the UK and another state or international body."),
    ("s28", "Relations within the United Kingdom", "qualified",
     "Disclosure would prejudice relations between UK administrations."),
    ("s29", "The economy", "qualified",
     "Disclosure would prejudice the economic or financial interests of the UK."),
    ("s30", "Investigations and proceedings conducted by public authorities", "qualified",
     "Information held for criminal investigations and proceedings, or obtained from confidential sources."),
    ("s31", "Law enforcement", "qualified",
     "Disclosure would, or would be likely to, prejudice the prevention or detection of crime or other law enforcement."),
    ("s32", "Court records, etc.", "absolute",
     "Information held only because it is in a document filed with or created by a court or an inquiry."),
    ("s33", "Audit functions", "qualified",
     "Disclosure would prejudice the audit functions of another public authority."),
    ("s34", "Parliamentary privilege", "absolute",
     "Exemption required to avoid an infringement of the privileges of either House of Parliament."),
    ("s35", "Formulation of government policy, etc.", "qualified",
     "Information held by a government department about the formulation of policy and related matters."),
    ("s36", "Prejudice to effective conduct of public affairs", "by-subsection",
     "In the reasonable opinion of a qualified person, disclosure would prejudice the effective conduct of public affairs."),
    ("s37", "Communications with Her Majesty, etc. and honours", "by-subsection",
     "Communications with the Royal Family and Household, and the conferring of honours."),
    ("s38", "Health and safety", "qualified",
     "Disclosure would, or would be likely to, endanger the health or safety of any individual."),
    ("s39", "Environmental information", "qualified",
     "The information is environmental information and is considered under the EIR instead."),
    ("s40", "Personal information", "by-subsection",
     "Personal data: the applicant's own, requested under data protection law instead, or someone else's."),
    ("s41", "Information provided in confidence", "absolute",
     "Information obtained from another person whose disclosure would be an actionable breach of confidence."),
    ("s42", "Legal professional privilege", "qualified",
     "Information covered by legal professional privilege, such as legal advice."),
    ("s43", "Commercial interests", "qualified",
     "Trade secrets, or information whose disclosure would prejudice anyone's commercial interests."),
    ("s44", "Prohibitions on disclosure", "absolute",
     "Disclosure is prohibited by another law, is incompatible with a retained EU obligation or would be contempt of court."),
]

# FOISA's exemptions (Part 2): every section by its heading in the Act, and the
# subsections logs cite most. Absolute as s2(2) FOISA lists them: ss25, 26, 36(2), 37
# and 38(1)(a), (c) and (d), and s38(1)(b) where disclosure would break the data
# protection principles, which is how it is cited (as s40(2) FOIA is listed above).
FOISA = [
    ("s25", "Information otherwise accessible", "absolute",
     "The applicant can reasonably obtain the information other than by requesting it, for example online."),
    ("s26", "Prohibitions on disclosure", "absolute",
     "Disclosure is prohibited by another law, is incompatible with an EU obligation or would be contempt of court."),
    ("s27", "Information intended for future publication", "qualified",
     "The authority intends to publish the information, or it comes from a programme of research."),
    ("s27(1)", "Information intended for future publication", "qualified",
     "The authority intends to publish the information within twelve weeks of the request."),
    ("s27(2)", "Information intended for future publication: research", "qualified",
     "Information obtained in an ongoing programme of research intended for publication."),
    ("s28", "Relations within the United Kingdom", "qualified",
     "Disclosure would substantially prejudice relations between administrations in the UK."),
    ("s29", "Formulation of Scottish Administration policy etc.", "qualified",
     "Information held by the Scottish Administration about the formulation of policy and related matters."),
    ("s30", "Prejudice to effective conduct of public affairs", "qualified",
     "Disclosure would substantially prejudice the effective conduct of public affairs."),
    ("s30(a)", "Prejudice to effective conduct of public affairs: collective responsibility", "qualified",
     "Disclosure would substantially prejudice the collective responsibility of the Scottish Ministers."),
    ("s30(b)(i)", "Prejudice to effective conduct of public affairs: free and frank advice", "qualified",
     "Disclosure would substantially inhibit the free and frank provision of advice."),
    ("s30(b)(ii)", "Prejudice to effective conduct of public affairs: free and frank exchange of views", "qualified",
     "Disclosure would substantially inhibit the free and frank exchange of views for the purposes of deliberation."),
    ("s30(c)", "Prejudice to effective conduct of public affairs: otherwise", "qualified",
     "Disclosure would otherwise substantially prejudice the effective conduct of public affairs."),
    ("s31", "National security and defence", "qualified",
     "Withholding is required to safeguard national security, or disclosure would prejudice defence."),
    ("s31(1)", "National security and defence: national security", "qualified",
     "Withholding is required to safeguard national security."),
    ("s31(4)", "National security and defence: defence", "qualified",
     "Disclosure would substantially prejudice the defence of the British Islands or the armed forces."),
    ("s32", "International relations", "qualified",
     "Disclosure would substantially prejudice relations between the UK and another state or international body."),
    ("s33", "Commercial interests and the economy", "qualified",
     "Trade secrets, or information whose disclosure would substantially prejudice commercial or economic interests."),
    ("s33(1)(a)", "Commercial interests and the economy: trade secrets", "qualified",
     "The information is a trade secret."),
    ("s33(1)(b)", "Commercial interests and the economy: commercial interests", "qualified",
     "Disclosure would substantially prejudice the commercial interests of any person, the authority included."),
    ("s33(2)", "Commercial interests and the economy: the economy", "qualified",
     "Disclosure would substantially prejudice the economic interests of the UK or of Scotland."),
    ("s34", "Investigations by Scottish public authorities and proceedings arising out of such investigations", "qualified",
     "Information held for criminal investigations, inquiries and proceedings, or from confidential sources."),
    ("s35", "Law enforcement", "qualified",
     "Disclosure would, or would be likely to, substantially prejudice the prevention or detection of crime or other law enforcement."),
    ("s35(1)(a)", "Law enforcement: prevention or detection of crime", "qualified",
     "Disclosure would substantially prejudice the prevention or detection of crime."),
    ("s35(1)(b)", "Law enforcement: apprehension or prosecution of offenders", "qualified",
     "Disclosure would substantially prejudice the apprehension or prosecution of offenders."),
    ("s35(1)(c)", "Law enforcement: administration of justice", "qualified",
     "Disclosure would substantially prejudice the administration of justice."),
    ("s35(1)(g)", "Law enforcement: functions of public authorities", "qualified",
     "Disclosure would substantially prejudice an authority's functions for the purposes listed in s35(2)."),
    ("s36", "Confidentiality", "by-subsection",
     "Information covered by legal professional privilege, or obtained in confidence from another person."),
    ("s36(1)", "Confidentiality: legal professional privilege", "qualified",
     "Information in respect of which a claim to confidentiality of communications could be maintained in legal proceedings."),
    ("s36(2)", "Confidentiality: actionable breach of confidence", "absolute",
     "Information obtained from another person whose disclosure would be an actionable breach of confidence."),
    ("s37", "Court records, etc.", "absolute",
     "Information held only because it is in a document filed with or created by a court or an inquiry."),
    ("s38", "Personal information", "by-subsection",
     "Personal data: the applicant's own, someone else's, census information, or a deceased person's health record."),
    ("s38(1)(a)", "Personal information: the applicant's own data", "absolute",
     "The applicant's own personal data, which is requested under data protection law instead."),
    ("s38(1)(b)", "Personal information: third parties", "absolute",
     "Personal data of someone other than the applicant whose disclosure would breach data protection law."),
    ("s39", "Health, safety and the environment", "qualified",
     "Disclosure would endanger health or safety, or the information is environmental information."),
    ("s39(1)", "Health, safety and the environment: health and safety", "qualified",
     "Disclosure would, or would be likely to, endanger the physical or mental health or the safety of an individual."),
    ("s39(2)", "Health, safety and the environment: environmental information", "qualified",
     "The information is environmental information and is considered under the EISR instead."),
    ("s40", "Audit functions", "qualified",
     "Disclosure would substantially prejudice the audit functions of an authority."),
    ("s41", "Communications with Her Majesty etc. and honours", "qualified",
     "Communications with the Royal Family and Household, and the exercise of the prerogative of honour."),
]

# The EISR's exceptions (regulation 10) and personal data (regulation 11), as the EIR's
# are made in migration 0004; and the EIR's regulation 13(1), which logs cite as often
# as regulation 13.
EISR = [
    ("reg 10(4)(a)", "Information not held", "qualified",
     "The authority does not hold the environmental information requested."),
    ("reg 10(4)(b)", "Manifestly unreasonable request", "qualified",
     "The request is manifestly unreasonable, for example because of the cost of complying."),
    ("reg 10(4)(c)", "Request formulated in too general a manner", "qualified",
     "The request is too general and the authority has offered advice and assistance."),
    ("reg 10(4)(d)", "Material in the course of completion", "qualified",
     "The request relates to material still being completed, unfinished documents or incomplete data."),
    ("reg 10(4)(e)", "Internal communications", "qualified",
     "The request involves making internal communications available."),
    ("reg 10(5)(a)", "International relations, defence, national security or public safety", "qualified",
     "Disclosure would substantially prejudice international relations, defence, national security or public safety."),
    ("reg 10(5)(b)", "The course of justice", "qualified",
     "Disclosure would substantially prejudice the course of justice or an inquiry of a criminal or disciplinary nature."),
    ("reg 10(5)(c)", "Intellectual property rights", "qualified",
     "Disclosure would substantially prejudice intellectual property rights."),
    ("reg 10(5)(d)", "Confidentiality of proceedings", "qualified",
     "Disclosure would substantially prejudice the confidentiality of an authority's proceedings."),
    ("reg 10(5)(e)", "Commercial or industrial confidentiality", "qualified",
     "Disclosure would substantially prejudice the confidentiality of commercial information protected by law."),
    ("reg 10(5)(f)", "Interests of the person who provided the information", "qualified",
     "Disclosure would substantially prejudice someone who supplied the information voluntarily."),
    ("reg 10(5)(g)", "Protection of the environment", "qualified",
     "Disclosure would substantially prejudice the protection of the environment, such as the location of rare species."),
    ("reg 11", "Personal data", "absolute",
     "Personal data, whose disclosure would breach data protection law."),
    ("reg 11(2)", "Personal data: third parties", "absolute",
     "Personal data of someone other than the applicant whose disclosure would breach data protection law."),
]
EIR = [
    ("reg 13(1)", "Personal data: third parties", "absolute",
     "Personal data of someone other than the applicant whose disclosure would breach data protection law."),
]


# Every FOIA 2000 exemption, s21 to s44, with the subsections authorities cite, and the
# EIR 2004 exceptions. (code, legislation, short statutory name, kind, what it means)
# Kinds follow s2(3) FOIA: the absolute exemptions are ss21, 23, 32, 34, 36 (Houses of
# Parliament only), 40 (applicant's own data and some third-party data), 41 and 44.
# s40(2) is listed as absolute because, where disclosure would breach the data
# protection principles, no public interest test applies.
EXEMPTIONS = [
    ("s21", "foia", "Information accessible to the applicant by other means", "absolute",
     "The information is already reasonably accessible, for example published online."),
    ("s22", "foia", "Information intended for future publication", "qualified",
     "The authority already intends to publish the information at a future date."),
    ("s22A", "foia", "Research information", "qualified",
     "Information obtained in an ongoing programme of research intended for publication."),
    ("s23(1)", "foia", "Information supplied by, or relating to, bodies dealing with security matters", "absolute",
     "Information supplied by or about the security bodies such as MI5, GCHQ or the NCA."),
    ("s23(5)", "foia", "Security bodies: neither confirm nor deny", "absolute",
     "Confirming whether information is held would itself reveal information about the security bodies."),
    ("s24(1)", "foia", "National security", "qualified",
     "Withholding is required to safeguard national security."),
    ("s24(2)", "foia", "National security: neither confirm nor deny", "qualified",
     "Confirming whether information is held would harm national security."),
    ("s26(1)(b)", "foia", "Defence", "qualified",
     "Disclosure would prejudice the capability, effectiveness or security of the armed forces."),
    ("s27(1)", "foia", "International relations", "qualified",
     "Disclosure would prejudice relations between the UK and another state or international body."),
    ("s28(1)", "foia", "Relations within the United Kingdom", "qualified",
     "Disclosure would prejudice relations between UK administrations."),
    ("s29(1)", "foia", "The economy", "qualified",
     "Disclosure would prejudice the economic or financial interests of the UK."),
    ("s30(1)(a)", "foia", "Investigations and proceedings conducted by public authorities", "qualified",
     "Information held for an investigation into whether someone should be charged with an offence."),
    ("s30(1)(b)", "foia", "Investigations which may lead to criminal proceedings", "qualified",
     "Information held for an investigation that may lead to a decision to institute criminal proceedings."),
    ("s30(2)", "foia", "Investigations: confidential sources", "qualified",
     "Information that would identify confidential sources used in investigations."),
    ("s30(3)", "foia", "Investigations: neither confirm nor deny", "qualified",
     "Confirming whether information is held would reveal whether an investigation exists."),
    ("s31(1)(a)", "foia", "Law enforcement: prevention or detection of crime", "qualified",
     "Disclosure would, or would be likely to, prejudice the prevention or detection of crime."),
    ("s31(1)(b)", "foia", "Law enforcement: apprehension or prosecution of offenders", "qualified",
     "Disclosure would prejudice the apprehension or prosecution of offenders."),
    ("s31(1)(c)", "foia", "Law enforcement: administration of justice", "qualified",
     "Disclosure would prejudice the administration of justice."),
    ("s31(1)(g)", "foia", "Law enforcement: regulatory functions", "qualified",
     "Disclosure would prejudice the exercise of functions listed in s31(2), such as investigating improper conduct."),
    ("s31(3)", "foia", "Law enforcement: neither confirm nor deny", "qualified",
     "Confirming whether information is held would prejudice law enforcement."),
    ("s32(1)", "foia", "Court records", "absolute",
     "Information held only because it is in a document filed with or created by a court."),
    ("s33(2)", "foia", "Audit functions", "qualified",
     "Disclosure would prejudice the audit functions of another public authority."),
    ("s34(1)", "foia", "Parliamentary privilege", "absolute",
     "Exemption required to avoid an infringement of the privileges of either House of Parliament."),
    ("s35(1)(a)", "foia", "Formulation of government policy", "qualified",
     "Information held by a government department relating to the formulation or development of policy."),
    ("s36(2)(b)(i)", "foia", "Prejudice to effective conduct of public affairs: free and frank advice", "qualified",
     "In the reasonable opinion of a qualified person, disclosure would inhibit the free and frank provision of advice."),
    ("s36(2)(b)(ii)", "foia", "Prejudice to effective conduct of public affairs: free and frank exchange of views", "qualified",
     "In the reasonable opinion of a qualified person, disclosure would inhibit the free and frank exchange of views."),
    ("s36(2)(c)", "foia", "Prejudice to effective conduct of public affairs: otherwise", "qualified",
     "In the reasonable opinion of a qualified person, disclosure would otherwise prejudice the conduct of public affairs."),
    ("s37(1)(a)", "foia", "Communications with His Majesty", "absolute",
     "Communications with the Sovereign, the heir or the second in line to the throne."),
    ("s37(1)(b)", "foia", "Honours", "qualified",
     "Information relating to the conferring of honours or dignities."),
    ("s38(1)(a)", "foia", "Health and safety: physical or mental health", "qualified",
     "Disclosure would, or would be likely to, endanger the physical or mental health of any individual."),
    ("s38(1)(b)", "foia", "Health and safety: safety of individuals", "qualified",
     "Disclosure would, or would be likely to, endanger the safety of any individual."),
    ("s38(2)", "foia", "Health and safety: neither confirm nor deny", "qualified",
     "Confirming whether information is held would endanger health or safety."),
    ("s39(1)", "foia", "Environmental information", "qualified",
     "The information is environmental information and is considered under the EIR instead."),
    ("s40(1)", "foia", "Personal information: the applicant's own data", "absolute",
     "The applicant's own personal data, which is requested under data protection law instead."),
    ("s40(2)", "foia", "Personal information: third parties", "absolute",
     "Personal data of someone other than the applicant whose disclosure would breach data protection law."),
    ("s40(5)", "foia", "Personal information: neither confirm nor deny", "absolute",
     "Confirming whether information is held would itself disclose personal data."),
    ("s41(1)", "foia", "Information provided in confidence", "absolute",
     "Information obtained from another person whose disclosure would be an actionable breach of confidence."),
    ("s42(1)", "foia", "Legal professional privilege", "qualified",
     "Information covered by legal professional privilege, such as legal advice."),
    ("s43(1)", "foia", "Commercial interests: trade secrets", "qualified",
     "The information is a trade secret."),
    ("s43(2)", "foia", "Commercial interests", "qualified",
     "Disclosure would, or would be likely to, prejudice the commercial interests of any person, the authority included."),
    ("s43(3)", "foia", "Commercial interests: neither confirm nor deny", "qualified",
     "Confirming whether information is held would prejudice commercial interests."),
    ("s44(1)", "foia", "Prohibitions on disclosure", "absolute",
     "Disclosure is prohibited by another law, is incompatible with a retained EU obligation or would be contempt of court."),
    ("reg 12(4)(a)", "eir", "Information not held", "qualified",
     "The authority does not hold the environmental information requested."),
    ("reg 12(4)(b)", "eir", "Manifestly unreasonable request", "qualified",
     "The request is manifestly unreasonable, for example because of the cost of complying."),
    ("reg 12(4)(c)", "eir", "Request formulated in too general a manner", "qualified",
     "The request is too general and the authority has offered advice and assistance."),
    ("reg 12(4)(d)", "eir", "Material in the course of completion", "qualified",
     "The request relates to unfinished documents or incomplete data."),
    ("reg 12(4)(e)", "eir", "Internal communications", "qualified",
     "The request involves the disclosure of internal communications."),
    ("reg 12(5)(a)", "eir", "International relations, defence, national security or public safety", "qualified",
     "Disclosure would adversely affect international relations, defence, national security or public safety."),
    ("reg 12(5)(b)", "eir", "The course of justice", "qualified",
     "Disclosure would adversely affect the course of justice or a criminal or disciplinary inquiry."),
    ("reg 12(5)(c)", "eir", "Intellectual property rights", "qualified",
     "Disclosure would adversely affect intellectual property rights."),
    ("reg 12(5)(d)", "eir", "Confidentiality of proceedings", "qualified",
     "Disclosure would adversely affect the confidentiality of a public authority's proceedings."),
    ("reg 12(5)(e)", "eir", "Commercial or industrial confidentiality", "qualified",
     "Disclosure would adversely affect the confidentiality of commercial information protected by law."),
    ("reg 12(5)(f)", "eir", "Interests of the person who provided the information", "qualified",
     "Disclosure would adversely affect someone who supplied the information voluntarily."),
    ("reg 12(5)(g)", "eir", "Protection of the environment", "qualified",
     "Disclosure would adversely affect the protection of the environment, such as the location of rare species."),
    ("reg 13", "eir", "Personal data", "absolute",
     "Personal data of third parties whose disclosure would breach data protection law."),
]


# Two roles. Editors draft and correct disclosures and their documents; publishers also
# publish, schedule and withdraw (the publish_disclosure permission), which the admin
# enforces on the server.
EDITOR_PERMISSIONS = [
    ("disclosures", "add_disclosure"),
    ("disclosures", "change_disclosure"),
    ("disclosures", "view_disclosure"),
    ("disclosures", "add_document"),
    ("disclosures", "change_document"),
    ("disclosures", "delete_document"),
    ("disclosures", "view_document"),
    ("disclosures", "view_change"),
    ("disclosures", "add_keyword"),
    ("disclosures", "change_keyword"),
    ("disclosures", "view_keyword"),
    ("disclosures", "view_exemption"),
]
PUBLISHER_PERMISSIONS = [*EDITOR_PERMISSIONS, ("disclosures", "publish_disclosure")]
ROLES = {"Editors": EDITOR_PERMISSIONS, "Publishers": PUBLISHER_PERMISSIONS}



def slug_for(code, legislation):
    # Frozen copy of Exemption.slug_for: migrations must not import model code.
    import re

    from django.utils.text import slugify

    code = re.sub(r"^reg(ulation)?\s*", "", code.strip().lower())
    slug = slugify(re.sub(r"[()\s]+", "-", code)).strip("-")
    return slug if legislation == "foia" else f"{legislation}-{slug}"


def seed_exemptions(apps, alias: str = "default") -> None:
    """The legislation and its exemptions, made or updated (the browser tests seed them
    again after a test that empties the tables)."""
    Legislation = apps.get_model("disclosures", "Legislation")
    for code, abbreviation, name, provisions, regulations, position in LEGISLATION:
        Legislation.objects.using(alias).update_or_create(
            code=code,
            defaults={
                "abbreviation": abbreviation,
                "name": name,
                "provisions": provisions,
                "regulations_id": regulations,
                "position": position,
            },
        )
    exemptions = apps.get_model("disclosures", "Exemption").objects.using(alias)
    rows = [
        (code, legislation, name, kind, description, position * 10)
        for position, (code, legislation, name, kind, description) in enumerate(EXEMPTIONS, 1)
    ]
    positions = {code: position for code, legislation, *_, position in rows if legislation == "foia"}
    for code, name, kind, description in FOIA_SECTIONS:
        # Before the section's first subsection.
        position = min(p for c, p in positions.items() if c.startswith(code + "(")) - 5
        rows.append((code, "foia", name, kind, description, position))
    rows += [(c, "eir", n, k, d, 600) for c, n, k, d in EIR]
    rows += [(c, "foisa", n, k, d, 1000 + 10 * i) for i, (c, n, k, d) in enumerate(FOISA)]
    rows += [(c, "eisr", n, k, d, 2000 + 10 * i) for i, (c, n, k, d) in enumerate(EISR)]
    for code, legislation, name, kind, description, position in rows:
        exemptions.update_or_create(
            legislation_id=legislation,
            code=code,
            defaults={
                "slug": slug_for(code, legislation),
                "name": name,
                "kind": kind,
                "description": description,
                "position": position,
            },
        )


def seed(apps, schema_editor):
    # On the database being migrated: a replica's test database is migrated too.
    alias = schema_editor.connection.alias
    seed_exemptions(apps, alias)
    create_roles(apps, schema_editor)
    # The public log as it stands is the first version the validators know.
    PublicChange = apps.get_model("disclosures", "PublicChange")
    if not PublicChange.objects.using(alias).exists():
        PublicChange.objects.using(alias).create(changed_at=timezone.now(), changes=1)


def unseed(apps, schema_editor):
    alias = schema_editor.connection.alias
    apps.get_model("auth", "Group").objects.using(alias).filter(name__in=ROLES).delete()
    apps.get_model("disclosures", "Exemption").objects.using(alias).all().delete()
    apps.get_model("disclosures", "Legislation").objects.using(alias).all().delete()
    apps.get_model("disclosures", "PublicChange").objects.using(alias).all().delete()


def create_roles(apps, schema_editor):
    # Permissions are normally made after migrations; make them now so the groups can
    # hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(
            app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias
        )
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.using(schema_editor.connection.alias).get(content_type__app_label=app, codename=codename)
                for app, codename in wanted
            ]
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()



class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0002_sql"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
