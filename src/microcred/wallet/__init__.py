"""The learner wallet: every credential a learner holds (claimed awards and imported
credentials), a skills portfolio built from their alignments, share links with an
unsigned VerifiablePresentation of the original signed credentials, exports (JSON, baked
PNG/SVG, PDF certificate) and the learner's privacy settings (``profiles``)."""
