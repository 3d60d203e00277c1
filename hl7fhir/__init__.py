"""HL7 FHIR R4 for journal systems: a questionnaire definition as a `Questionnaire` and back,
and a survey's responses as a `Bundle` of `QuestionnaireResponse`.

(Not named `fhir`: the tests use the `fhir.resources` models, whose package is `fhir`.)

May import: `questionnaires`, `surveys` (models and queries), `database`.
"""
