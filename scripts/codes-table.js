// Renders src/error-codes.ts's ERROR_CODES as the Troubleshooting table of
// docs/concur-extract.md. Used by scripts/gen-codes.js (writes the page) and
// test/docs.error-codes.test.ts (fails when the page is out of date).
const START = '<!-- error-codes:start (npm run gen:codes) -->';
const END = '<!-- error-codes:end -->';

const TYPES = {
  config_error: 'config',
  transient_error: 'transient',
  system_error: 'system',
};

function renderCodes(codes) {
  const rows = Object.entries(codes).map(
    ([code, info]) =>
      `| \`${code}\` | ${TYPES[info.failureType]} | ${info.action.replace(/\|/g, '\\|')} |`
  );
  return ['| Code | Failure type | What to do |', '|---|---|---|', ...rows].join('\n');
}

/** The page with the text between the markers replaced by `table`. */
function withCodes(page, table) {
  const a = page.indexOf(START);
  const b = page.indexOf(END);
  if (a < 0 || b < a) throw new Error(`markers ${START} … ${END} not found`);
  return page.slice(0, a + START.length) + '\n' + table + '\n' + page.slice(b);
}

module.exports = {renderCodes, withCodes};
