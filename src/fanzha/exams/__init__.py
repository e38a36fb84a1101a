"""The anti-fraud exam: question bank, exams for schools and communities, certificates, results."""
