"""Raw returns to checked figures: the return form, the readers, the checks, the cleaning stage, the validation report and the blank templates."""
