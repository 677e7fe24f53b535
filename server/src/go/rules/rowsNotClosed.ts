import { checkResource, calleeText } from '../resourceRule';
import { sqlRows } from '../resources';
import type { GoRule } from '../rule';

export const rowsNotClosed: GoRule = {
  id: 'go/rows-not-closed',
  language: 'go',
  title: 'sql.Rows not closed',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['sqlclosecheck', 'rowserrcheck'],
  scope: {
    tests: { checked: true, why: 'each open Rows holds a pooled connection for the rest of the test; the next queries block once the pool is dry.' },
  },
  triggers: sqlRows.callees,
  packageTriggers: (pkg) => pkg.wrapperNames('rows'),
  docs: {
    description:
      'An open `*sql.Rows` holds its database connection. Iterating to the end closes it, but any early `return` or `break` out of the loop does not, and the pool slowly runs dry until queries block. Close rows on every path: `defer rows.Close()` right after the error check. A function of the same package that returns `*sql.Rows` from a query counts like the query. Not flagged: a `for rows.Next()` loop left only when Next returns false (that closes the rows), rows of a transaction this function rolls back or commits, rows of a query whose context this function cancels (database/sql closes them), a query expected to fail, and database/sql\'s own tests.',
    bad: 'func names(ctx context.Context, db *sql.DB) ([]string, error) {\n\trows, err := db.QueryContext(ctx, "SELECT name FROM users")\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\tvar out []string\n\tfor rows.Next() {\n\t\tvar n string\n\t\tif err := rows.Scan(&n); err != nil {\n\t\t\treturn nil, err\n\t\t}\n\t\tout = append(out, n)\n\t}\n\treturn out, rows.Err()\n}',
    good: 'func names(ctx context.Context, db *sql.DB) ([]string, error) {\n\trows, err := db.QueryContext(ctx, "SELECT name FROM users")\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\tdefer rows.Close()\n\tvar out []string\n\tfor rows.Next() {\n\t\tvar n string\n\t\tif err := rows.Scan(&n); err != nil {\n\t\t\treturn nil, err\n\t\t}\n\t\tout = append(out, n)\n\t}\n\treturn out, rows.Err()\n}',
  },
  check(ctx) {
    checkResource(ctx, {
      resource: sqlRows,
      message: (call, state) =>
        state === 'discarded'
          ? `the rows returned by ${calleeText(call)} are discarded and never closed: the connection stays busy`
          : `the rows returned by ${calleeText(call)} are not closed on every path: the connection stays busy`,
    });
  },
};
