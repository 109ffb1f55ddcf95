// The audit's report as text for people: what was compared, then each difference with the grant
// set's explanation, or "no differences".
import type { AuditReport } from "./audit.js";

const listed = (xs: readonly string[]) => (xs.length === 0 ? "none" : xs.join(", "));

export function auditText(report: AuditReport): string {
  const p = report.payload;
  const lines = [
    `camunda-authz audit: ${p.principal.type} ${p.principal.id}, Camunda ${p.camundaVersion ?? "?"}, authorizations ${p.authorizationsEnabled === false ? "disabled" : "enabled"}, multi-tenancy ${p.multiTenancyEnabled === true ? "on" : "off"}`,
    `  /me: ${report.me.username}; groups ${listed(report.me.groups)}; roles ${listed(report.me.roles)}; tenants ${listed(report.me.tenants)}`,
    `  grant set: ${p.authorizations?.length ?? 0} authorizations; groups ${listed(p.principal.groups ?? [])}; roles ${listed(p.principal.roles ?? [])}; mapping rules ${listed(p.principal.mappingRules ?? [])}`,
    `  tasks: ${report.tasks.user} in the user's search, ${report.tasks.serviceAccount === null ? "the service account's not read" : `${report.tasks.serviceAccount} in the service account's`}; ${report.tasks.compared} compared (search and get)${report.tasks.complete ? "" : ", not every page read"}`,
    `  requests to the cluster: ${report.requests} (besides the issue's); all of them reads`,
  ];
  for (const note of report.notes) lines.push(`  note: ${note}`);
  if (report.differences.length === 0) lines.push("no differences: the grant set decides as the cluster answers");
  else {
    lines.push(`${report.differences.length} difference(s):`);
    for (const d of report.differences) lines.push(`  DIFFERENT ${d.kind === "principal" ? `principal ${d.field}: ` : ""}${d.message}`);
  }
  return `${lines.join("\n")}\n`;
}
