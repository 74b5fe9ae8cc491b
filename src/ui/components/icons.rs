//! Small inline SVG icons for the controls (play, pause, step, cut, heal …). They replace
//! symbol-font glyphs (⏮ ⏸ ▶ ⏭ ⚖ ✂ …), which render as empty boxes where no symbol font is
//! installed (headless Chromium): the page depends on no system font for its meaning.
//!
//! Every icon is decorative (`aria-hidden`, never focusable): the control next to it carries
//! the text label or `aria-label`. Drawn on a 16×16 grid in `currentColor`, sized in `em` so it
//! follows the text around it.

use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    Play,
    Pause,
    Step,
    Back,
    NextDecision,
    Hold,
    Release,
    Cut,
    Heal,
    LinkUp,
    Stop,
    Promote,
    Restart,
    Add,
    Export,
    Import,
    ThemeLight,
    ThemeDark,
    ThemeSystem,
    Watch,
    Check,
    Cross,
    WriteHead,
    Continue,
    FullResync,
    Replica,
}

impl Icon {
    /// The icon's name, for its CSS class (`icon-play`) and tests.
    pub fn name(self) -> &'static str {
        match self {
            Icon::Play => "play",
            Icon::Pause => "pause",
            Icon::Step => "step",
            Icon::Back => "back",
            Icon::NextDecision => "next-decision",
            Icon::Hold => "hold",
            Icon::Release => "release",
            Icon::Cut => "cut",
            Icon::Heal => "heal",
            Icon::LinkUp => "link-up",
            Icon::Stop => "stop",
            Icon::Promote => "promote",
            Icon::Restart => "restart",
            Icon::Add => "add",
            Icon::Export => "export",
            Icon::Import => "import",
            Icon::ThemeLight => "theme-light",
            Icon::ThemeDark => "theme-dark",
            Icon::ThemeSystem => "theme-system",
            Icon::Watch => "watch",
            Icon::Check => "check",
            Icon::Cross => "cross",
            Icon::WriteHead => "write-head",
            Icon::Continue => "continue",
            Icon::FullResync => "full-resync",
            Icon::Replica => "replica",
        }
    }
}

/// The shapes of one icon (children of a 16×16 `<svg>`). Filled shapes take the svg's
/// `fill="currentColor"`; line shapes say `fill="none"` and stroke in `currentColor`.
fn shapes(icon: Icon) -> Html {
    match icon {
        Icon::Play | Icon::Release => html! { <path d="M4 2.2v11.6L13.6 8z" /> },
        Icon::Pause | Icon::Hold => html! { <path d="M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z" /> },
        Icon::Step => html! { <path d="M2.5 2.5v11L10.5 8zM11 2.5h2.5v11H11z" /> },
        Icon::Back => html! { <path d="M2.5 2.5H5v11H2.5zM13.5 2.5v11L5.5 8z" /> },
        // A balance: the master weighs the request against its history.
        Icon::NextDecision => html! {
            <>
                <path d="M7.2 2.5h1.6v9.5H7.2zM4 12.5h8V14H4zM1.8 3.4h12.4v1.4H1.8z" />
                <path d="M3.4 4.6 1.2 9.4M3.4 4.6l2.2 4.8M12.6 4.6l-2.2 4.8M12.6 4.6l2.2 4.8"
                    fill="none" stroke="currentColor" stroke-width="1" />
                <path d="M0.8 9.4h5.2a2.6 2.2 0 0 1-5.2 0zM10 9.4h5.2a2.6 2.2 0 0 1-5.2 0z" />
            </>
        },
        // Scissors.
        Icon::Cut => html! {
            <g fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round">
                <circle cx="4" cy="12" r="2.2" />
                <circle cx="12" cy="12" r="2.2" />
                <path d="M5.6 10.4 13 1.8M10.4 10.4 3 1.8" />
            </g>
        },
        // Two chain links joined again.
        Icon::Heal => html! {
            <g fill="none" stroke="currentColor" stroke-width="1.7">
                <rect x="1" y="5" width="8" height="6" rx="3" />
                <rect x="7" y="5" width="8" height="6" rx="3" />
            </g>
        },
        // Arrows both ways: the link carries traffic.
        Icon::LinkUp => html! {
            <path d="M2 5h11M10 2.2 13 5l-3 2.8M14 11H3M6 8.2 3 11l3 2.8" fill="none" stroke="currentColor"
                stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" />
        },
        Icon::Stop => html! { <path d="M3 3h10v10H3z" /> },
        Icon::Promote => html! { <path d="M8 1.3l2 4.3 4.6.5-3.4 3.2 1 4.6L8 11.6l-4.2 2.3 1-4.6-3.4-3.2 4.6-.5z" /> },
        Icon::Restart | Icon::FullResync => html! {
            <>
                <path d="M13 8.5A5 5 0 1 1 11.2 4.2" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
                <path d="M14 1.5V7H8.5z" />
            </>
        },
        Icon::Add => html! { <path d="M7 2h2v5h5v2H9v5H7V9H2V7h5z" /> },
        Icon::Export => html! { <path d="M7 1.5h2v6.5h2.8L8 11.8 4.2 8H7zM2 13h12v1.6H2z" /> },
        Icon::Import => html! { <path d="M8 1.5l3.8 3.8H9V11H7V5.3H4.2zM2 13h12v1.6H2z" /> },
        Icon::ThemeLight => html! {
            <>
                <circle cx="8" cy="8" r="3" />
                <path d="M8 1v2M8 13v2M1 8h2M13 8h2M3 3l1.4 1.4M11.6 11.6 13 13M3 13l1.4-1.4M11.6 4.4 13 3"
                    fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" />
            </>
        },
        Icon::ThemeDark => html! { <path d="M6.2 1.5a6.6 6.6 0 1 0 8.3 8.3A5.4 5.4 0 0 1 6.2 1.5z" /> },
        Icon::ThemeSystem => html! {
            <>
                <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.5" />
                <path d="M8 2a6 6 0 0 0 0 12z" />
            </>
        },
        Icon::Watch => html! {
            <>
                <path d="M1 8s2.6-4.8 7-4.8S15 8 15 8s-2.6 4.8-7 4.8S1 8 1 8z" fill="none" stroke="currentColor" stroke-width="1.4" />
                <circle cx="8" cy="8" r="2.2" />
            </>
        },
        Icon::Check => html! {
            <path d="M2.5 8.5l3.7 3.7L13.8 4" fill="none" stroke="currentColor" stroke-width="2.2"
                stroke-linecap="round" stroke-linejoin="round" />
        },
        Icon::Cross => html! {
            <path d="M3.5 3.5l9 9M12.5 3.5l-9 9" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />
        },
        // A pencil: where the next byte is written.
        Icon::WriteHead => html! { <path d="M11 1.6l3.4 3.4-8.6 8.6-4.2.8.8-4.2zM2.4 13.2l.4-2.2 1.8 1.8z" /> },
        Icon::Continue => html! { <path d="M1.5 7h8.5V3.8L14.5 8 10 12.2V9H1.5z" /> },
        // ↳: a replica hangs off its master.
        Icon::Replica => html! {
            <path d="M3.5 2v6.5h9M9.5 5.5l3 3-3 3" fill="none" stroke="currentColor" stroke-width="1.7"
                stroke-linecap="round" stroke-linejoin="round" />
        },
    }
}

/// An icon for HTML text: `1em` square, on the text's baseline, in the text's colour.
pub fn icon(kind: Icon) -> Html {
    html! {
        <svg class={classes!("icon", format!("icon-{}", kind.name()))} viewBox="0 0 16 16" width="1em" height="1em"
            fill="currentColor" aria-hidden="true" focusable="false">
            { shapes(kind) }
        </svg>
    }
}

/// The same icon inside a drawing (an SVG panel): centred on (`cx`, `cy`), `size` user units.
pub fn icon_at(kind: Icon, cx: f64, cy: f64, size: f64) -> Html {
    html! {
        <svg class={classes!("icon", format!("icon-{}", kind.name()))} viewBox="0 0 16 16"
            x={format!("{:.2}", cx - size / 2.0)} y={format!("{:.2}", cy - size / 2.0)}
            width={format!("{size:.2}")} height={format!("{size:.2}")}
            fill="currentColor" aria-hidden="true" focusable="false">
            { shapes(kind) }
        </svg>
    }
}
