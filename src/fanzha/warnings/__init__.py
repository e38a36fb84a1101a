"""The warning loop: early-warning instructions from intake to dissuasion outcome and feedback."""
