-- Submit files a draft in one statement, without a transaction of its own, when nothing it was
-- judged on has changed since it was read (server/subapps/transition.ts `file`, its `fresh`
-- condition). When something has, the statement calls this: the error undoes every part of the
-- statement, and submit files again under the row lock.
CREATE FUNCTION draft_changed() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the draft changed since it was read' USING ERRCODE = 'YJ409';
END
$$;
