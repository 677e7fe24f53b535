/**
 * LeakLens in a real Neovim (Debian's `neovim`, 0.7.2, installed by .ci/run), headless, configured
 * exactly as docs/language-server.md tells Neovim 0.7–0.8 users: the Go file's diagnostics arrive,
 * the code action menu (with the cursor at the start of the line, before the diagnostic) offers the
 * fix, and Neovim's own client applies it; after :w the finding is gone.
 * Needs dist/ built (npm test builds it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { LOST_CANCEL_GO } from '../helpers/leakyGo';

const REPO = path.join(__dirname, '..', '..');
const SERVER = path.join(REPO, 'dist', 'server.js');
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-nvim-')));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The Lua block that docs/language-server.md documents for Neovim 0.7–0.8, with this checkout's server. */
function documentedConfig(): string {
  const doc = fs.readFileSync(path.join(REPO, 'docs', 'language-server.md'), 'utf8');
  const block = /<!-- neovim-0\.7-config -->\n```lua\n([\s\S]*?)```/.exec(doc);
  assert.ok(block, 'docs/language-server.md has the Neovim 0.7–0.8 configuration block');
  assert.ok(block[1].includes("'/path/to/leaklens/dist/server.js'"));
  return block[1].replace("'/path/to/leaklens/dist/server.js'", JSON.stringify(SERVER));
}

/**
 * Drives the editor as a person would, reporting what happened as JSON: wait for the diagnostics,
 * put the cursor at column 0 of the flagged line, run vim.lsp.buf.code_action() and pick the fix in
 * the menu (vim.ui.select), then :w and wait for the finding to go.
 */
const DRIVER = `
local out = os.getenv('LEAKLENS_NVIM_OUT')
local report = { offered = {}, events = {} }
local function finish(err)
  report.error = err
  report.lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(report))
  f:close()
  vim.cmd('qa!')
end
local function rule_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end
local function lost_cancels()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if rule_of(d) == 'go/lost-cancel' then table.insert(found, d) end
  end
  return found
end
vim.defer_fn(function()
  local ok, err = pcall(function()
    report.version = vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch
    if not vim.wait(60000, function() return #lost_cancels() > 0 end, 100) then error('no go/lost-cancel diagnostic') end
    local d = lost_cancels()[1]
    report.diagnostic = { line = d.lnum, col = d.col, message = d.message }
    vim.api.nvim_win_set_cursor(0, { d.lnum + 1, 0 })
    local picked = false
    vim.ui.select = function(items, opts, on_choice)
      for i, item in ipairs(items) do
        local action = item[2] or item.action or item
        table.insert(report.offered, action.title)
        if not picked and action.title:find('defer cancel', 1, true) then
          picked = true
          on_choice(item, i)
        end
      end
      if not picked then on_choice(nil, nil) end
    end
    vim.lsp.buf.code_action()
    if not vim.wait(20000, function()
      return table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\\n'):find('defer cancel()', 1, true) ~= nil
    end, 100) then error('the fix was not applied') end
    vim.cmd('write')
    if not vim.wait(20000, function() return #lost_cancels() == 0 end, 100) then error('the finding is still reported after the fix') end
  end)
  finish(not ok and tostring(err) or nil)
end, 0)
`;


test('Neovim 0.7 with the documented configuration: diagnostics, the fix from the code action menu, applied by its client', { timeout: 3 * 60_000 }, () => {
  const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  assert.equal(nvim.status, 0, 'nvim is missing: .ci/run installs Debian\'s neovim package');
  const project = path.join(tmp, 'svc');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'go.mod'), 'module example.com/svc\n\ngo 1.22\n');
  const file = path.join(project, 'poll.go');
  fs.writeFileSync(file, LOST_CANCEL_GO);
  const init = path.join(tmp, 'init.lua');
  fs.writeFileSync(init, `${documentedConfig()}\n${DRIVER}`);
  const out = path.join(tmp, 'report.json');
  const home = path.join(tmp, 'home');
  const r = spawnSync('nvim', ['--headless', '-n', '-i', 'NONE', '-u', init, file], {
    cwd: project,
    encoding: 'utf8',
    timeout: 150_000,
    env: {
      ...process.env,
      LEAKLENS_NVIM_OUT: out,
      // Neovim's state (the LSP log among it) stays in the test's directory.
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_DATA_HOME: path.join(home, 'data'),
      XDG_STATE_HOME: path.join(home, 'state'),
      XDG_CACHE_HOME: path.join(home, 'cache'),
    },
  });
  assert.ok(fs.existsSync(out), `Neovim wrote no report (exit ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
  const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { version: string; error?: string; offered: string[]; diagnostic: { line: number; col: number }; lines: string[] };
  process.stdout.write(`  Neovim ${report.version}; offered: ${report.offered.join(' | ')}\n`);
  assert.equal(report.error, undefined, `${report.error}\noffered: ${report.offered.join(', ')}`);
  assert.equal(report.diagnostic.line, 8);
  assert.ok(report.diagnostic.col > 0, 'the cursor (column 0) was before the diagnostic');
  assert.ok(report.offered.some((t) => t.startsWith('Suppress go/lost-cancel')), report.offered.join(', '));
  const saved = fs.readFileSync(file, 'utf8');
  assert.match(saved, /\tc, cancel := context\.WithTimeout\(ctx, time\.Second\)\n\tdefer cancel\(\)\n/);
  assert.equal(report.lines.join('\n') + '\n', saved);
});
