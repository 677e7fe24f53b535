/**
 * The editor's open documents as the protocol thread keeps them: the text (for code actions and
 * fix-all edits), the version (to drop stale results), and whether the engine analyzes it.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { languageOf, type FileLanguage } from '../lint/analyze';
import { CONFIG_FILE_NAME } from '../engine/config';

export interface OpenDocument {
  uri: string;
  /** File system path for file: URIs, else the URI itself. */
  path: string;
  /** The engine that reads it; 'config' for .leaklens.yaml; undefined for other files. */
  language: FileLanguage | 'config' | undefined;
  doc: TextDocument;
  /** Over leaklens.maxFileSize: not sent to the engine. */
  tooLarge: boolean;
}

const LANGUAGE_IDS: Record<string, FileLanguage> = { go: 'go', yaml: 'k8s', json: 'k8s', helm: 'k8s' };

export function pathOfUri(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

export class OpenDocuments {
  private readonly byUri = new Map<string, OpenDocument>();
  private readonly byPath = new Map<string, OpenDocument>();

  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    const file = pathOfUri(uri);
    const language = path.basename(file) === CONFIG_FILE_NAME ? 'config' : (LANGUAGE_IDS[languageId] ?? languageOf(file));
    const d: OpenDocument = { uri, path: file, language, doc: TextDocument.create(uri, languageId, version, text), tooLarge: false };
    this.byUri.set(uri, d);
    this.byPath.set(file, d);
    return d;
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): OpenDocument | undefined {
    const d = this.byUri.get(uri);
    if (d) TextDocument.update(d.doc, changes, version);
    return d;
  }

  close(uri: string): OpenDocument | undefined {
    const d = this.byUri.get(uri);
    this.byUri.delete(uri);
    if (d && this.byPath.get(d.path) === d) this.byPath.delete(d.path);
    return d;
  }

  get(uri: string): OpenDocument | undefined {
    return this.byUri.get(uri);
  }

  /** The open document for a URI as another component spelled it (file URIs are compared by path). */
  find(uri: string): OpenDocument | undefined {
    return this.byUri.get(uri) ?? this.byPath.get(pathOfUri(uri));
  }

  all(): IterableIterator<OpenDocument> {
    return this.byUri.values();
  }
}

/** Documents the engine analyzes (Go files and manifests), as opposed to .leaklens.yaml and others. */
export function isAnalyzed(d: OpenDocument): d is OpenDocument & { language: FileLanguage } {
  return d.language === 'go' || d.language === 'k8s';
}

/** Size in bytes as UTF-8, computed only when the length alone cannot decide. */
export function exceedsSize(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return Buffer.byteLength(text, 'utf8') > maxBytes;
}
