//! Redis through its versions: the era select (replays the scenario on screen as Redis 2.6,
//! 2.8 or 4.0+ would run it: `Msg::SetEra`) and the side-by-side table of its resyncs in each
//! era. The outcomes are the engine's, run by `sim::eras` and worded by `ui::eras`; this file
//! only lays them out.

use crate::engine::repl::era::Era;
use crate::sim::eras::EraRun;
use crate::ui::eras::{era_name, table_of};
use crate::ui::i18n::{t, Lang, K};
use crate::ui::runtime::Msg;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The panel's body: the select, the label on the older eras, the Compare button and the table.
pub fn era_panel(lang: Lang, dispatch: &Callback<Msg>, era: Era, runs: Option<&[EraRun]>) -> Html {
    let on_pick = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            if let Ok(era) = Era::parse(&sel.value()) {
                d.emit(Msg::SetEra(era));
            }
        })
    };
    let on_compare = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::CompareEras))
    };
    let table = runs.map(|runs| table_of(lang, runs));
    html! {
        <div class="eras" data-testid="eras">
            <div class="eras-controls">
                <select data-testid="era-select" onchange={on_pick} aria-label={t(lang, K::EraSelectName)}>
                    { for Era::ALL.iter().map(|&e| html! {
                        <option value={e.word()} selected={e == era}>{ era_name(lang, e) }</option>
                    }) }
                </select>
                <button data-testid="era-compare" onclick={on_compare} title={t(lang, K::EraCompareHelp)}>{ t(lang, K::EraCompare) }</button>
            </div>
            <p class="eras-modelled" data-testid="era-modelled">{ t(lang, K::EraModelled) }</p>
            if let Some(table) = table {
                if table.rows.is_empty() {
                    <p data-testid="era-none">{ t(lang, K::EraNoResyncs) }</p>
                } else {
                    <table class="eras-table" data-testid="era-table">
                        <thead>
                            <tr>
                                <th scope="col">{ t(lang, K::EraColResync) }</th>
                                { for table.eras.iter().map(|&e| html! { <th scope="col" data-era={e.word()}>{ era_name(lang, e) }</th> }) }
                            </tr>
                        </thead>
                        <tbody>
                            { for table.rows.iter().map(|row| html! {
                                <tr data-testid="era-row">
                                    <th scope="row">{ row.who.clone() }</th>
                                    { for row.cells.iter().zip(&table.eras).map(|(cell, e)| match cell {
                                        Some(c) => html! {
                                            <td data-era={e.word()} data-outcome={if c.partial { "partial" } else { "full" }}
                                                class={if c.partial { "era-partial" } else { "era-full" }}>
                                                <strong>{ c.outcome.clone() }</strong>{ " " }<span class="eras-why">{ c.why.clone() }</span>
                                            </td>
                                        },
                                        None => html! { <td data-era={e.word()}>{ t(lang, K::EraNone) }</td> },
                                    }) }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
                { for table.notes.iter().map(|n| html! { <p class="eras-note">{ n.clone() }</p> }) }
            }
        </div>
    }
}
