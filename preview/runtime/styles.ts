// Styles: the built-in components as WeChat's base library draws them (style v2, re-authored: its stylesheet is not
// public, so these are approximations and WeChat DevTools stays the final check), then the preview's shell.

/** Injected before app.wxss, as the base library's styles come before the app's. */
export const BASE_CSS = `
page { display: block; min-height: 100%; font-family: -apple-system, 'PingFang SC', 'Noto Sans CJK SC', 'Noto Sans SC', 'Helvetica Neue', sans-serif; font-size: 16px; line-height: 1.2; -webkit-text-size-adjust: none; }
wx-view { display: block; }
wx-text { display: inline; white-space: pre-wrap; }
wx-navigator { display: block; cursor: pointer; }
.navigator-hover { background-color: rgba(0, 0, 0, 0.1); opacity: 0.7; }
wx-canvas { display: block; width: 300px; height: 150px; }
wx-image { display: inline-block; overflow: hidden; position: relative; width: 320px; height: 240px; }
wx-image > .pv-image { display: block; width: 100%; height: 100%; object-fit: fill; }
wx-image[mode=aspectFit] > .pv-image { object-fit: contain; }
wx-image[mode=aspectFill] > .pv-image { object-fit: cover; }
wx-image[mode=widthFix] { height: auto; } wx-image[mode=widthFix] > .pv-image { height: auto; }
wx-image[mode=heightFix] { width: auto; } wx-image[mode=heightFix] > .pv-image { width: auto; }
wx-image[mode=center] > .pv-image { object-fit: none; }
wx-button { position: relative; display: block; margin-left: auto; margin-right: auto; padding: 8px 24px; box-sizing: border-box; font-size: 17px; font-weight: 700; text-align: center; text-decoration: none; line-height: 1.41176471; border-radius: 8px; -webkit-tap-highlight-color: transparent; overflow: hidden; color: #06ae56; background-color: #f2f2f2; cursor: pointer; user-select: none; }
wx-button:not([size=mini]) { width: 184px; margin-left: auto; margin-right: auto; }
wx-button::after { content: ' '; width: 200%; height: 200%; position: absolute; top: 0; left: 0; border: 1px solid rgba(0, 0, 0, 0.2); transform: scale(0.5); transform-origin: 0 0; box-sizing: border-box; border-radius: 16px; pointer-events: none; border-width: 0; }
wx-button[type=primary] { color: #fff; background-color: #07c160; }
wx-button[type=warn] { color: #fa5151; background-color: #f2f2f2; }
wx-button[size=mini] { display: inline-block; line-height: 2.3; font-size: 13px; padding: 0 1.34em; }
wx-button[plain] { color: #353535; border: 1px solid #353535; background-color: transparent; }
wx-button[disabled] { color: rgba(0, 0, 0, 0.18); cursor: default; }
wx-button[disabled]:not([type]), wx-button[disabled][type=default] { background-color: #f7f7f7; }
wx-button[type=primary][disabled] { color: rgba(255, 255, 255, 0.6); background-color: #9ed99d; }
wx-button[loading]::before { content: ''; display: inline-block; width: 1em; height: 1em; margin-right: 0.4em; vertical-align: -0.15em; border: 2px solid currentColor; border-right-color: transparent; border-radius: 50%; animation: pv-spin 0.8s linear infinite; }
.button-hover { background-color: #dedede; }
wx-button[type=primary].button-hover { background-color: #06ad56; }
wx-input { display: block; height: 1.4rem; text-overflow: clip; overflow: hidden; white-space: nowrap; font-family: inherit; cursor: text; }
wx-input > .pv-input, wx-textarea > .pv-textarea { display: block; width: 100%; height: 100%; min-height: inherit; border: 0; outline: none; padding: 0; margin: 0; background: transparent; font: inherit; color: inherit; text-align: inherit; line-height: inherit; box-sizing: border-box; }
wx-textarea { display: block; width: 300px; height: 150px; position: relative; }
wx-textarea > .pv-textarea { resize: none; }
wx-input > .pv-input::placeholder, wx-textarea > .pv-textarea::placeholder { color: #999; }
wx-picker { display: block; cursor: pointer; }
wx-switch { display: inline-block; cursor: pointer; vertical-align: middle; }
.pv-switch { display: inline-block; position: relative; width: 52px; height: 32px; border-radius: 16px; background: #dfdfdf; transition: background 0.2s; }
.pv-switch::after { content: ''; position: absolute; top: 2px; left: 2px; width: 28px; height: 28px; border-radius: 50%; background: #fff; box-shadow: 0 1px 3px rgba(0, 0, 0, 0.4); transition: transform 0.2s; }
wx-switch[checked] .pv-switch { background: var(--pv-switch-on, #04be02); }
wx-switch[checked] .pv-switch::after { transform: translateX(20px); }
wx-switch[disabled] { opacity: 0.7; cursor: default; }
wx-progress { display: flex; align-items: center; }
.pv-progress-bar { flex: 1; position: relative; overflow: hidden; display: block; }
.pv-progress-fill { position: absolute; left: 0; top: 0; bottom: 0; display: block; transition: width 0.3s; }
.pv-progress-info { margin-left: 15px; font-size: 16px; }
wx-icon { display: inline-block; line-height: 1; }
wx-scroll-view { display: block; overflow: hidden; }
wx-scroll-view[scroll-y] { overflow-y: auto; } wx-scroll-view[scroll-x] { overflow-x: auto; }
@keyframes pv-spin { to { transform: rotate(360deg); } }
`

export const SHELL_CSS = `
html, body { margin: 0; height: 100%; background: #e8eaed; font-family: -apple-system, 'PingFang SC', 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif; }
#pv-shell { display: flex; gap: 24px; justify-content: center; align-items: flex-start; padding: 16px; min-height: 100%; box-sizing: border-box; }
#pv-side { width: 320px; flex: none; font-size: 14px; color: #333; display: flex; flex-direction: column; gap: 12px; }
.pv-banner { background: #fff7e6; border: 1px solid #f0c36d; border-radius: 8px; padding: 10px 12px; line-height: 1.5; }
.pv-banner b { color: #ad6800; }
.pv-panel { background: #fff; border-radius: 8px; padding: 10px 12px; }
.pv-panel h2 { font-size: 14px; margin: 0 0 8px; }
#pv-identity { width: 100%; font-size: 14px; padding: 6px; }
.pv-who { margin-top: 6px; color: #666; line-height: 1.5; }
.pv-other { display: flex; gap: 6px; margin-top: 8px; } .pv-other input { flex: 1; min-width: 0; padding: 4px 6px; }
#pv-routes { display: flex; flex-wrap: wrap; gap: 4px; } #pv-routes button { font-size: 12px; padding: 2px 6px; cursor: pointer; }
#pv-log { max-height: 260px; overflow-y: auto; font-size: 12px; line-height: 1.5; }
#pv-log div { border-bottom: 1px solid #f0f0f0; padding: 2px 0; word-break: break-all; } #pv-log .pv-log-error { color: #d93025; }
#pv-device { flex: none; }
#pv-phone { width: 375px; height: 812px; background: #fff; border-radius: 36px; box-shadow: 0 0 0 10px #1f1f1f, 0 12px 40px rgba(0,0,0,.3); overflow: hidden; position: relative; display: flex; flex-direction: column; }
#pv-status { height: 44px; flex: none; display: flex; align-items: center; justify-content: center; font-size: 12px; background: #000; color: #ffd666; }
#pv-nav { height: 44px; flex: none; display: flex; align-items: center; position: relative; }
#pv-nav .pv-nav-title { position: absolute; left: 60px; right: 60px; text-align: center; font-size: 17px; font-weight: 500; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#pv-nav button { background: none; border: 0; color: inherit; font-size: 24px; width: 44px; height: 44px; cursor: pointer; z-index: 1; }
#pv-nav .pv-nav-refresh { margin-left: auto; font-size: 20px; }
#pv-nav .pv-nav-menu { margin-left: auto; font-size: 18px; font-weight: 700; width: 52px; }
#pv-nav .pv-nav-refresh:not([hidden]) + .pv-nav-menu { margin-left: 0; }
#pv-nav button[hidden] { display: none; }
#pv-nav .pv-spinning { animation: pv-spin 0.8s linear infinite; }
#pv-pages { flex: 1; position: relative; overflow: hidden; transform: translateZ(0); }
.pv-page { position: absolute; inset: 0; overflow-y: auto; overflow-x: hidden; }
.pv-page[hidden] { display: none; }
.pv-page > page { min-height: 100%; }
#pv-tabs { height: 56px; flex: none; display: flex; border-top: 1px solid #ddd; } #pv-tabs[hidden] { display: none; }
.pv-tab { flex: 1; background: #fff; border: 0; font-size: 12px; color: #666; } .pv-tab-active { color: #07c160; }
#pv-ui { position: absolute; inset: 0; pointer-events: none; z-index: 100; }
.pv-overlay { position: absolute; inset: 0; pointer-events: auto; display: flex; align-items: center; justify-content: center; }
.pv-toast-layer:not(.pv-mask) { pointer-events: none; }
.pv-mask { background: rgba(0, 0, 0, 0.5); }
.pv-toast-layer.pv-mask { background: transparent; }
.pv-modal { width: 300px; background: #fff; border-radius: 12px; overflow: hidden; text-align: center; font-size: 17px; }
.pv-modal-title { font-weight: 700; padding: 24px 24px 8px; }
.pv-modal-content { padding: 8px 24px 16px; color: #555; line-height: 1.5; white-space: pre-wrap; word-break: break-all; }
.pv-modal-input { margin: 8px 24px 16px; width: calc(100% - 48px); min-height: 60px; font: inherit; box-sizing: border-box; }
.pv-modal-actions { display: flex; border-top: 1px solid #eee; }
.pv-modal-actions button { flex: 1; height: 56px; border: 0; background: #fff; font-size: 17px; font-weight: 700; cursor: pointer; }
.pv-modal-cancel { color: #000; border-right: 1px solid #eee !important; } .pv-modal-confirm { color: #576b95; }
.pv-document-link { display: block; padding: 0 24px 16px; color: #576b95; word-break: break-all; }
.pv-toast { min-width: 120px; max-width: 240px; background: rgba(17, 17, 17, 0.85); color: #fff; border-radius: 12px; padding: 16px; text-align: center; font-size: 15px; }
.pv-toast-icon { font-size: 36px; line-height: 1.2; } .pv-toast-loading { width: 32px; height: 32px; margin: 4px auto 8px; border: 3px solid #fff; border-right-color: transparent; border-radius: 50%; animation: pv-spin 0.8s linear infinite; }
.pv-sheet-layer { align-items: flex-end; }
.pv-sheet { width: 100%; background: #f7f7f7; border-radius: 12px 12px 0 0; overflow: hidden; max-height: 80%; display: flex; flex-direction: column; }
.pv-sheet-title { padding: 16px; text-align: center; color: #888; font-size: 14px; background: #fff; border-bottom: 1px solid #eee; }
.pv-sheet-list { overflow-y: auto; }
.pv-sheet-item, .pv-sheet-cancel { display: block; width: 100%; min-height: 56px; border: 0; border-bottom: 1px solid #eee; background: #fff; font-size: 17px; cursor: pointer; }
.pv-sheet-current { color: #07c160; font-weight: 700; }
.pv-sheet-cancel { margin-top: 8px; border-bottom: 0; }
.pv-picker-bar { display: flex; justify-content: space-between; background: #fff; border-bottom: 1px solid #eee; }
.pv-picker-bar button { width: auto; margin: 0; padding: 0 20px; min-height: 52px; border: 0; background: none; font-size: 17px; cursor: pointer; }
.pv-picker-confirm { color: #07c160; font-weight: 700; }
.pv-picker-input { margin: 24px; font-size: 20px; padding: 8px; }
.pv-file-hint { padding: 8px 16px; color: #888; font-size: 13px; background: #fff; }
.pv-file-pick { display: block; padding: 16px; background: #fff; text-align: center; font-size: 17px; color: #07c160; cursor: pointer; }
.pv-file-input { position: absolute; width: 1px; height: 1px; opacity: 0; overflow: hidden; }
.pv-file-pick { position: relative; }
.pv-subscribe-row { display: flex; gap: 8px; align-items: center; padding: 12px 16px; background: #fff; border-bottom: 1px solid #eee; font-size: 16px; }
.pv-share-card { margin: 0 24px 16px; padding: 12px; border: 1px solid #eee; border-radius: 8px; text-align: left; background: #fafafa; }
.pv-share-title { font-size: 16px; font-weight: 600; line-height: 1.4; margin-bottom: 8px; }
.pv-share-image { display: block; width: 100%; aspect-ratio: 5 / 4; object-fit: cover; background: #fff; }
.pv-share-noimage { font-size: 13px; color: #888; padding: 8px 0; }
.pv-share-path { font-size: 12px; color: #576b95; margin-top: 8px; word-break: break-all; }
.pv-image-preview { background: #000; flex-direction: column; }
.pv-image-preview-img { max-width: 100%; max-height: 90%; object-fit: contain; }
.pv-image-preview-count { color: #fff; margin-top: 8px; font-size: 14px; }
@keyframes pv-spin { to { transform: rotate(360deg); } }
`
