/**
 * Frames to workspace files, for every way a build names its files: a local build (absolute paths
 * in the workspace), another machine's absolute paths (a container build: by the function's import
 * path, and for package main by the longest existing tail), -trimpath module paths, vendored
 * dependencies (vendor/ paths and module@version under -trimpath), several and nested modules in
 * one workspace; the standard library and modules outside the workspace stay unmapped.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { FrameMapper, importPathOf } from '../../server/src/goroutines/mapping';
import { findGoModules, modulePathOf, vendoredModulesOf } from '../../server/src/goroutines/modules';

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-map-')));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function write(rel: string, text = 'package x\n') {
  const f = path.join(root, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
}

// Two modules side by side, one nested in the other, one vendoring a dependency, and noise.
write('svc/go.mod', 'module example.com/svc // the service\n\ngo 1.22\n');
const svcMain = write('svc/cmd/server/main.go');
const svcFetch = write('svc/orders/fetch.go');
write('svc/vendor/modules.txt', '# github.com/google/uuid v1.6.0\n## explicit; go 1.4\ngithub.com/google/uuid\n');
const vendored = write('svc/vendor/github.com/google/uuid/version4.go');
write('svc/tools/go.mod', 'module "example.com/svc/tools"\n');
const tool = write('svc/tools/gen/gen.go');
write('lib/go.mod', 'module gopkg.in/yaml.v3\n');
const yaml = write('lib/decode.go');
write('svc/testdata/go.mod', 'module example.com/ignored\n');
write('node_modules/x/go.mod', 'module example.com/ignored2\n');

const modules = findGoModules([root]);
const mapper = new FrameMapper(modules, [root]);
const map = (func: string, file: string, line = 7) => mapper.map({ func, file, line });

describe('modules of a workspace', () => {
  test('every go.mod but testdata/, vendor/ and node_modules/; quoted paths and comments; vendored modules', () => {
    assert.deepEqual(modules.map((m) => [m.path, path.relative(root, m.dir)]).sort(), [
      ['example.com/svc', 'svc'],
      ['example.com/svc/tools', path.join('svc', 'tools')],
      ['gopkg.in/yaml.v3', 'lib'],
    ]);
    assert.deepEqual([...modules.find((m) => m.path === 'example.com/svc')!.vendored], ['github.com/google/uuid']);
    assert.equal(modulePathOf('// c\nmodule `a/b`\n'), 'a/b');
    assert.equal(modulePathOf('go 1.22\n'), '');
    assert.deepEqual([...vendoredModulesOf('# a/b v1\n# c v2 => ./c\n## explicit\n')], ['a/b', 'c']);
  });
});

describe('frame mapping', () => {
  test('a local build: absolute workspace paths', () => {
    assert.deepEqual(map('example.com/svc/orders.Fetch.func1', svcFetch), { file: svcFetch, line: 7, vendored: false });
    assert.deepEqual(map('github.com/google/uuid.NewRandom', vendored), { file: vendored, line: 7, vendored: true });
  });

  test('another machine: by the import path, and for package main by the longest tail that exists', () => {
    assert.equal(map('example.com/svc/orders.(*Client).Fetch', '/build/src/orders/fetch.go')?.file, svcFetch);
    assert.equal(map('main.main', '/go/src/app/cmd/server/main.go')?.file, svcMain);
    assert.equal(map('example.com/svc/tools/gen.Run', '/src/tools/gen/gen.go')?.file, tool, 'the nested module wins');
    assert.equal(map('gopkg.in/yaml%2ev3.(*decoder).unmarshal', '/root/go/pkg/mod/gopkg.in/yaml.v3@v3.0.1/decode.go')?.file, yaml);
    // The import path names the directory; a file of that name must exist there.
    assert.equal(map('example.com/svc/orders.Fetch', '/build/src/orders/other.go'), undefined);
    // Inlined: the function is the caller's, the file the callee's (another package's directory).
    write('svc/orders/wait.go');
    assert.equal(map('example.com/svc/orders.Run.(*Group).Start.func5', '/build/src/wait/wait.go'), undefined);
    assert.equal(map('example.com/svc/orders.Run.(*Group).Start.func5', '/root/go/pkg/mod/k8s.io/apimachinery@v0.36.3/pkg/util/wait/wait.go'), undefined);
    // A module cache path of a workspace module (capitals escaped as !x).
    write('up/go.mod', 'module github.com/BurntSushi/toml\n');
    const toml = write('up/decode.go');
    const withUp = new FrameMapper(findGoModules([root]), [root]);
    assert.equal(withUp.map({ func: 'github.com/BurntSushi/toml.Decode', file: '/root/go/pkg/mod/github.com/!burnt!sushi/toml@v1.4.0/decode.go', line: 1 })?.file, toml);
  });

  test('-trimpath: module paths, and module@version for vendored dependencies', () => {
    assert.equal(map('example.com/svc/orders.Fetch', 'example.com/svc/orders/fetch.go')?.file, svcFetch);
    assert.equal(map('main.main', 'example.com/svc/cmd/server/main.go')?.file, svcMain);
    assert.deepEqual(map('github.com/google/uuid.NewRandom', 'github.com/google/uuid@v1.6.0/version4.go'), { file: vendored, line: 7, vendored: true });
    assert.deepEqual(map('github.com/google/uuid.NewRandom', '/build/vendor/github.com/google/uuid/version4.go'), { file: vendored, line: 7, vendored: true });
  });

  test('the standard library, the module cache and unknown modules stay unmapped', () => {
    assert.equal(map('net/http.(*persistConn).readLoop', '/usr/local/go/src/net/http/transport.go'), undefined);
    assert.equal(map('net/http.(*persistConn).readLoop', 'net/http/transport.go'), undefined);
    assert.equal(map('runtime.gopark', '/usr/local/go/src/runtime/proc.go'), undefined);
    assert.equal(map('github.com/other/mod.F', 'github.com/other/mod@v1.0.0/f.go'), undefined);
    assert.equal(map('github.com/other/mod.F', '/root/go/pkg/mod/github.com/other/mod@v1.0.0/f.go'), undefined);
    // A workspace that happens to hold a file of a std package's name is not matched by tail.
    write('svc/http/server.go');
    assert.equal(map('net/http.(*conn).serve', '/usr/local/go/src/net/http/server.go'), undefined);
  });

  test('each file is resolved once per package (the cache), and windows paths work', () => {
    let stats = 0;
    const counting = new FrameMapper(modules, [root], (f) => {
      stats++;
      return fs.existsSync(f);
    });
    for (let i = 0; i < 100; i++) counting.map({ func: 'example.com/svc/orders.Fetch', file: '/build/src/orders/fetch.go', line: i });
    assert.ok(stats <= 3, `${stats} existence checks`);
    assert.equal(counting.map({ func: 'main.main', file: 'C:\\build\\cmd\\server\\main.go', line: 1 })?.file, svcMain);
    assert.equal(importPathOf('gopkg.in/yaml%2ev3.Unmarshal'), 'gopkg.in/yaml.v3');
  });
});
