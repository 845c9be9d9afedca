// The page-tables panel of one session (command hvscope.showPageTables): the root tables at every
// stop, subtrees on demand, translations and the shadow diff, through the adapter's custom requests
// (hvscope/pageTable, hvscope/translate, hvscope/shadowDiff).
import type * as vscode from 'vscode';
import {
  HVSCOPE_REQUESTS, type PageTableArguments, type PageTableResponseBody, type ShadowDiffArguments, type ShadowDiffResponseBody,
  type TranslateArguments, type TranslateResponseBody,
} from '../../protocol/requests';
import type {
  FromPageTablesMessage, PageTableFilter, PageTablesState, PanelStage, TableResult, ToPageTablesMessage,
} from '../../protocol/webview';
import { PANEL_TITLES, errorText, stagesFor } from './panelModel';
import { SessionPanel } from './sessionPanel';

const DEFAULT_FILTER: PageTableFilter = { onlyValid: true, onlyLeaf: false, from: '', to: '' };

export class PageTablesPanel extends SessionPanel<ToPageTablesMessage, FromPageTablesMessage> {
  static readonly viewType = 'hvscope.pageTables';
  private filter: PageTableFilter = { ...DEFAULT_FILTER };
  private last: PageTablesState | undefined;

  constructor(session: vscode.DebugSession, extensionUri: vscode.Uri) {
    super(session, extensionUri, { viewType: PageTablesPanel.viewType, title: PANEL_TITLES.pageTables, script: 'pageTables' });
  }

  private async table(args: PageTableArguments): Promise<TableResult> {
    try {
      return { ok: true, table: await this.request<PageTableResponseBody>(HVSCOPE_REQUESTS.pageTable, args) };
    } catch (e) {
      return { ok: false, error: errorText(e) };
    }
  }

  protected async refresh(): Promise<void> {
    const session = this.info();
    const stages = stagesFor(session);
    if (session.running) {
      // Reading tables while the guest runs would show a moving target: keep the last stop's.
      this.post({ type: 'state', state: { session, stages, roots: this.last?.roots ?? {}, shadowDiff: this.last?.shadowDiff, filter: this.filter } });
      return;
    }
    const threadId = session.threadId;
    const includeInvalid = !this.filter.onlyValid;
    const roots: Partial<Record<PanelStage, TableResult>> = {};
    for (const stage of stages) roots[stage] = await this.table({ threadId, stage, includeInvalid });
    let shadowDiff: PageTablesState['shadowDiff'];
    if (session.paging === 'shadow') {
      try {
        shadowDiff = { ok: true, diff: await this.request<ShadowDiffResponseBody>(HVSCOPE_REQUESTS.shadowDiff, { threadId } satisfies ShadowDiffArguments) };
      } catch (e) {
        shadowDiff = { ok: false, error: errorText(e) };
      }
    }
    this.last = { session, stages, roots, shadowDiff, filter: this.filter };
    this.post({ type: 'state', state: this.last });
  }

  protected async receive(m: FromPageTablesMessage): Promise<void> {
    switch (m.type) {
      case 'expand': {
        const result = await this.table({ threadId: this.info().threadId, stage: m.stage, tableAddr: m.tableAddr, level: m.level, vaBase: m.vaBase, includeInvalid: !this.filter.onlyValid });
        this.post({ type: 'subtree', stage: m.stage, nodeId: m.nodeId, result });
        return;
      }
      case 'translate': {
        const args: TranslateArguments = { threadId: this.info().threadId, address: m.address, access: m.access };
        try {
          const body = await this.request<TranslateResponseBody>(HVSCOPE_REQUESTS.translate, args);
          this.post({ type: 'translation', address: m.address, result: { ok: true, body } });
        } catch (e) {
          this.post({ type: 'translation', address: m.address, result: { ok: false, error: errorText(e) } });
        }
        return;
      }
      case 'setFilter': {
        const reload = m.filter.onlyValid !== this.filter.onlyValid;
        this.filter = m.filter;
        if (reload) this.scheduleRefresh();
        return;
      }
      default:
    }
  }

  protected onContinue(): void {
    if (this.last) this.post({ type: 'state', state: { ...this.last, session: this.info() } });
  }

  protected postError(message: string): void {
    this.post({ type: 'error', message });
  }
}
