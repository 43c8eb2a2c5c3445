import { Injectable } from '@nestjs/common';
import type { PhotoSize } from 'telegraf/types';
import { MainMenu } from '../menu/main-menu';
import type { BotContext } from '../telegram/bot-context';
import { FlowButton, parseFlowButton } from './callback-data';
import { FlowState, FlowStateStore } from './flow-state.store';

/** What a flow accepts while it is the user’s active flow; each answers whether it took the input. Called unbound: register arrow functions. */
export interface FlowInputs {
  /** A text message, or a voice message's transcript, at `state.step`. */
  text?(ctx: BotContext, state: FlowState, text: string): Promise<boolean>;
  /** A photo (the largest size first) or an image sent as a document (one size). */
  photo?(ctx: BotContext, state: FlowState, photo: PhotoSize[]): Promise<boolean>;
}

/** Handles a photo sent when no flow waits for one (seed 003: a drawing to bring to life). */
export type DefaultPhotoHandler = (ctx: BotContext, photo: PhotoSize[]) => Promise<void>;

/**
 * Routes free input (text, voice transcripts, photos) to the user's active flow, and checks that a
 * flow's button is current. Flows register themselves in their handler's constructor; input no
 * flow takes ends in FallbackHandler's hint, never in silence.
 */
@Injectable()
export class FlowRouter {
  private readonly flows = new Map<string, FlowInputs>();
  private defaultPhoto?: DefaultPhotoHandler;

  constructor(
    readonly store: FlowStateStore,
    private readonly menu: MainMenu,
  ) {}

  register(flow: string, inputs: FlowInputs): void {
    if (this.flows.has(flow)) throw new Error(`flow ${flow} is registered twice`);
    this.flows.set(flow, inputs);
  }

  registerDefaultPhoto(handler: DefaultPhotoHandler): void {
    this.defaultPhoto = handler;
  }

  /** Gives text to the active flow; false when there is none or its step takes no text. */
  async text(ctx: BotContext, text: string): Promise<boolean> {
    const state = await this.store.get(ctx.state.user.id);
    const take = state && this.flows.get(state.flow)?.text;
    return take ? take(ctx, state, text) : false;
  }

  /** Gives a photo to the active flow, or to the default photo handler when no flow is active. */
  async photo(ctx: BotContext, photo: PhotoSize[]): Promise<boolean> {
    const state = await this.store.get(ctx.state.user.id);
    const take = state && this.flows.get(state.flow)?.photo;
    if (take) return take(ctx, state, photo);
    if (state || !this.defaultPhoto) return false;
    await this.defaultPhoto(ctx, photo);
    return true;
  }

  /**
   * The flow state a pressed button of `flow` belongs to, when the button is current. A stale
   * one (an earlier step, a replaced or finished flow, a flow forgotten after its TTL) is
   * answered with "this menu has expired" and a fresh main menu, and undefined is returned.
   */
  async button<D extends object>(ctx: BotContext, flow: string): Promise<{ state: FlowState<D>; button: FlowButton } | undefined> {
    const data = ctx.callbackQuery && 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : undefined;
    const button = parseFlowButton(data);
    const state = button?.flow === flow ? await this.store.get<D>(ctx.state.user.id) : undefined;
    if (button && state && state.flow === flow && state.version === button.version) return { state, button };
    await this.expired(ctx);
    return undefined;
  }

  async expired(ctx: BotContext): Promise<void> {
    if (ctx.callbackQuery) await ctx.answerCbQuery(ctx.state.t.menuExpired);
    await this.menu.send(ctx, ctx.state.t.menuExpired);
  }
}
