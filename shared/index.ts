// Public API of the engine. Pure and isomorphic: the server and the browser import from here.
// json-rules-engine (the reference evaluator) is deliberately not re-exported, so the browser
// bundle does not carry it: import it from './rules.js' where it is wanted.
export type { Diagnostic, Severity } from './diagnostic.js';
export { compareDiagnostics, formatDiagnostic, hasErrors, summarise } from './diagnostic.js';
export type { PathSegment, Position, SourceFile, YamlLimits, YamlSource } from './yaml-source.js';
export { DEFAULT_LIMITS, parseYaml, pointerToPath } from './yaml-source.js';
export type * from './model.js';
export { elementKey, formMaterialCode, localElementId } from './model.js';
export type { FileKind, LoadOptions, LoadResult } from './loader.js';
export { expectedSchemaRef, fileKind, load } from './loader.js';
export type { LintCode } from './lint.js';
export { LINT_CODES, check, lint } from './lint.js';
export type { CompiledCondition, FactLookup, FactUse } from './condition.js';
export { OPERATOR_NAMES, compileCondition, evaluateCondition, factsOf, isSupportedPath } from './condition.js';
export type { ConstraintConflict, ConstraintSource, Intersection } from './constraints.js';
export { intersectSchemas } from './constraints.js';
export { ancestors, criticalPath, findCycle, restrict, topologicalOrder } from './dag.js';
export type { BundlePlan, PlannedSection } from './plan.js';
export { OTHER_SECTION, planBundle } from './plan.js';
export type {
  Disposition,
  EvaluateOptions,
  Evaluation,
  ItemDecision,
  MaterialDecision,
  MaterialNeed,
  NotRequired,
  PrefillSource,
  Reason,
} from './evaluate.js';
export { DISPOSITIONS, evaluate, prefillOf } from './evaluate.js';
export { beijingDate, beijingTime, chinaToday } from './beijing-time.js';
export type { FieldCheck, FieldProblem, FieldRule, FieldStates } from './field-rules.js';
export { checkFields, fieldStates } from './field-rules.js';
export type { AlternativeGroup, AlternativeOption } from './alternatives.js';
export { chooseAlternatives, proveGroup } from './alternatives.js';
export type { BundleMaterial } from './bundle-materials.js';
export type { RegionInfo, RegionalImplementation } from './regions.js';
export { regionsOf, resolveRegion } from './regions.js';
export type { ComposeContext, ComposedElement, ComposedForm, ComposedSection, Lang, UiSchema } from './compose.js';
export { answersFromFormData, compose, formDataFromAnswers } from './compose.js';
export type { PendingField, SubApplication, SubMaterial } from './split.js';
export { split } from './split.js';
export type { Account } from './account.js';
export { account } from './account.js';
export * from './identifiers.js';
export * from './formats.js';
export type { CalendarData, DayLimit, DayUnit, Deadline, WorkCalendar } from './calendar.js';
export { addNaturalDays, addWorkingDays, chinaDate, chinaIso, closeOf, deadline, dueDateOf, isWorkingDay, mergeCalendars, workingDaysBetween } from './calendar.js';
export type { CalendarFile } from './calendar-file.js';
export { calendarData, checkCalendarFile } from './calendar-file.js';
export type { BundleGuide, BundlePromise, DeliveryMethod, DeliveryOption, FlowStep, ItemGuide, Official, OnSiteNeed, OnSiteReason, Source } from './guide.js';
export { DELIVERY_METHODS, ON_SITE_REASONS, ON_SITE_TITLES } from './guide.js';
export type { GuideFigures, VisitReason } from './guide-figures.js';
export { chosenDelivery, guideFigures } from './guide-figures.js';
export { differences } from './official.js';
export { promisedBy, withinPromise } from './promise.js';
