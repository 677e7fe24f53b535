/** The shape of a Go rule, in the style of go/analysis: metadata plus a check over one declaration. */
import type { Node } from 'web-tree-sitter';
import type { Fix, Range, ReportOptions, RuleMeta } from '../engine/types';
import type { GoFile } from './file';
import type { DeclIndex } from './declIndex';
import type { PackageIndex } from './packageIndex';

/**
 * What a Go rule may add to a finding. The fix is a function: building edits walks more of the
 * tree than finding the leak did, and a run that shows no fixes (text, SARIF) never calls it.
 */
export interface GoReportOptions extends Omit<ReportOptions, 'fixes'> {
  fix?: () => Fix | undefined;
}

export interface GoRuleContext {
  file: GoFile;
  /** The top-level declaration being checked. */
  decl: Node;
  /** Nodes of interest inside `decl`, found through the words that name them. */
  index: DeclIndex;
  /** Reports a finding starting at `at` (a node's first line or an explicit range). */
  report(at: Node | Range, message: string, options?: GoReportOptions): void;
}

export interface GoRule extends RuleMeta {
  language: 'go';
  /**
   * True when findings depend on other declarations of the file (e.g. "the file never calls
   * Shutdown"): the server then re-runs the rule on every edit, not just where the edit landed.
   */
  fileScoped?: boolean;
  /**
   * Words a file-scoped rule looks for in every declaration, not just those it checks (`Shutdown`
   * anywhere in the file), or tokens that are not words (`<-`): a lint run that parses only the
   * declarations rules check keeps those holding one of these too.
   */
  readsAnywhere?: readonly string[];
  /**
   * Set when the functions, methods and constants of the file the rule reads beyond the declaration
   * it checks are found by name: those named in its code, and those these name in turn (the
   * goroutine model follows a call into the declaration of that name, and reads integer constants).
   * A function, method or constant declaration holding one of its readsAnywhere words is then kept
   * in a lint's tree only when so named; types and variables holding one are kept wherever they are.
   */
  readsByName?: boolean;
  /**
   * Names (callees, types, keywords) at least one of which appears as a whole word in the text of
   * any declaration the rule can flag. Declarations without any are skipped before any tree work: most code never
   * mentions NewTicker or QueryContext, and walking WASM trees is the engine's main cost.
   * A test checks that triggers never change what a rule finds.
   */
  triggers?: readonly string[];
  /** Words that must all appear as well (e.g. `for` for rules about loops); same prefilter, same test. */
  alsoRequires?: readonly string[];
  /**
   * More triggers that the file's package declares: the names of its own functions the rule treats
   * like its trigger callees (a wrapper that returns an *http.Response, see packageIndex.ts).
   */
  packageTriggers?(pkg: PackageIndex): readonly string[];
  check(ctx: GoRuleContext): void;
}
