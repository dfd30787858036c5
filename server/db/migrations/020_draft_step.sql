-- The wizard step a draft was left at, kept with the draft (not in the browser) so resuming it
-- on another device opens that step. Cleared meaning once filed: the detail shows it for drafts only.
ALTER TABLE applications ADD COLUMN draft_step text CHECK (char_length(draft_step) <= 64);
