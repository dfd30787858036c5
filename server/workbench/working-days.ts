// The workbench's clock is the shared calendar (shared/calendar.ts), so the browser, the
// statistics SQL's calendar table and the workbench count the same days.
export * from '../../shared/calendar.js';
