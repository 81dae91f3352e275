from django.db import migrations

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


def slug_for(code):
    # Frozen copy of Exemption.slug_for: migrations must not import model code.
    import re

    from django.utils.text import slugify

    code = re.sub(r"^reg(ulation)?\s*", "eir-", code.strip().lower())
    return slugify(re.sub(r"[()\s]+", "-", code)).strip("-")


def seed(apps, schema_editor):
    # On the database being migrated: a test database of a replica's is migrated after
    # the default one, whose exemptions have moved on to later migrations' shape.
    Exemption = apps.get_model("disclosures", "Exemption")
    exemptions = Exemption.objects.using(schema_editor.connection.alias)
    for position, (code, legislation, name, kind, description) in enumerate(EXEMPTIONS, 1):
        exemptions.update_or_create(
            code=code,
            defaults={
                "slug": slug_for(code),
                "legislation": legislation,
                "name": name,
                "kind": kind,
                "description": description,
                "position": position * 10,
            },
        )


def unseed(apps, schema_editor):
    Exemption = apps.get_model("disclosures", "Exemption")
    Exemption.objects.using(schema_editor.connection.alias).filter(code__in=[row[0] for row in EXEMPTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0003_keywords_text_triggers")]

    operations = [migrations.RunPython(seed, unseed)]
