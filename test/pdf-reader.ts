import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * A PDF as pdf.js reads it for search, copy and screen readers (issue 18): the text exactly as the
 * file maps it (no Unicode normalisation, which would turn a U+FB01 ligature back into "fi" and
 * hide the very fault a search meets), the metadata, and each page's structure tree with the
 * text of every element.
 */

export interface StructElement {
  role: string;
  lang?: string;
  alt?: string;
  /** The element's own text and its descendants', in the tree's order, spaces collapsed. */
  text: string;
  children: StructElement[];
}

export interface ReadPage {
  /** Every text item of the page, tagged or not, joined by newlines. */
  text: string;
  /** The page's structure tree, from its top element (Document). */
  tree: StructElement[];
  /** Text printed inside artifacts (decoration, running headers and footers). */
  artifactText: string[];
  /** Text that is neither in the structure tree nor an artifact: must stay empty. */
  untagged: string[];
  landscape: boolean;
}

export interface ReadPdf {
  info: Record<string, unknown>;
  /** The XMP packet's entries, as pdf.js parses them (null when there is none or it is not XML). */
  xmp: Map<string, unknown> | null;
  markInfo: { Marked?: boolean } | null;
  pages: ReadPage[];
}

interface RawNode {
  role?: string;
  type?: string;
  id?: string;
  lang?: string;
  alt?: string;
  children?: RawNode[];
}

export async function readPdf(body: Buffer): Promise<ReadPdf> {
  const doc = await getDocument({
    data: new Uint8Array(body),
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  const { info, metadata } = (await doc.getMetadata()) as unknown as {
    info: Record<string, unknown>;
    metadata: Iterable<[string, unknown]> | null;
  };
  const pages: ReadPage[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent({
      includeMarkedContent: true,
      disableNormalization: true,
    });
    const byContent = new Map<string, string[]>();
    const artifactText: string[] = [];
    const untagged: string[] = [];
    const all: string[] = [];
    const open: { id: string | null; tag: string }[] = [];
    for (const item of content.items) {
      if ('type' in item) {
        if (item.type === 'endMarkedContent') open.pop();
        // pdf.js gives the marked content's tag too, which its type definitions leave out.
        else open.push({ id: item.id ?? null, tag: (item as { tag?: string }).tag ?? '' });
        continue;
      }
      if (!item.str) continue;
      all.push(item.str);
      const tagged = [...open].reverse().find((m) => m.id);
      if (open.some((m) => m.tag === 'Artifact')) artifactText.push(item.str);
      else if (tagged?.id)
        byContent.set(tagged.id, [...(byContent.get(tagged.id) ?? []), item.str]);
      else untagged.push(item.str);
    }
    const toElement = (node: RawNode): StructElement => {
      const children: StructElement[] = [];
      const texts: string[] = [];
      for (const kid of node.children ?? []) {
        if (kid.type === 'content' && kid.id) texts.push(...(byContent.get(kid.id) ?? []));
        else if (kid.role) {
          const child = toElement(kid);
          children.push(child);
          if (child.text) texts.push(child.text);
        }
      }
      return {
        role: node.role ?? '',
        ...(node.lang ? { lang: node.lang } : {}),
        ...(node.alt ? { alt: node.alt } : {}),
        // pdf.js puts a space item where a gap is: spaces say nothing about the tree.
        text: texts.join(' ').replace(/\s+/g, ' ').trim(),
        children,
      };
    };
    const root = (await page.getStructTree()) as RawNode | null;
    const [, , width, height] = page.view;
    pages.push({
      text: all.join('\n'),
      tree: (root?.children ?? []).map(toElement),
      artifactText,
      untagged,
      landscape: width > height,
    });
  }
  return {
    info,
    xmp: metadata ? new Map(metadata) : null,
    markInfo: (await doc.getMarkInfo()) as { Marked?: boolean } | null,
    pages,
  };
}

/** Every element of a tree, depth first: the order a screen reader follows. */
export function flatten(elements: StructElement[]): StructElement[] {
  return elements.flatMap((e) => [e, ...flatten(e.children)]);
}

/** The ligatures U+FB00–FB06 (ff, fi, fl, ffi, ffl, long st, st): none may reach the text. */
export const LIGATURES = /[\uFB00-\uFB06]/;
