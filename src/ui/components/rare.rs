//! Panels below the fold or behind a switch, fetched after the first frame (`ui::settle`) or
//! when switched on: the chunk `rare` (`lazy.rs`) holds the sizing calculator, the eras panel, the
//! quiz and the custom link speed form. Each wrapper takes its panel's props unchanged.

use super::era::era_panel;
use super::lazy::lazy_view;
use super::link_custom::{CustomSpeed, CustomSpeedProps};
use super::narration::{QuizPanel, QuizProps};
use super::sizing::{SizingCalculator, SizingProps};
use crate::engine::repl::era::Era;
use crate::sim::eras::EraRun;
use crate::ui::i18n::Lang;
use crate::ui::runtime::Msg;
use std::rc::Rc;
use wasm_split_helpers::{wasm_split, SplitLoaderError};
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct ErasProps {
    pub era: Era,
    pub runs: Option<Rc<Vec<EraRun>>>,
    pub dispatch: Callback<Msg>,
}

#[wasm_split(rare, preload(preload_sizing), fallible)]
fn sizing_view(p: &SizingProps) -> Result<Html, SplitLoaderError> {
    Ok(html! { <SizingCalculator ..p.clone() /> })
}

#[wasm_split(rare, preload(preload_eras), fallible)]
fn eras_view(p: &ErasProps) -> Result<Html, SplitLoaderError> {
    Ok(html! { <ErasBody ..p.clone() /> })
}

/// The eras panel's body as a component, so its code is reached from the split point only.
#[function_component(ErasBody)]
fn eras_body(p: &ErasProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    era_panel(lang, &p.dispatch, p.era, p.runs.as_deref().map(|v| v.as_slice()))
}

#[wasm_split(rare, preload(preload_quiz), fallible)]
fn quiz_view(p: &QuizProps) -> Result<Html, SplitLoaderError> {
    Ok(html! { <QuizPanel ..p.clone() /> })
}

#[wasm_split(rare, preload(preload_custom_speed), fallible)]
fn custom_speed_view(p: &CustomSpeedProps) -> Result<Html, SplitLoaderError> {
    Ok(html! { <CustomSpeed ..p.clone() /> })
}

lazy_view!(
    /// The backlog sizing calculator.
    lazy_sizing(SizingProps) = sizing_view, preload_sizing
);
lazy_view!(
    /// The eras panel's body.
    lazy_eras(ErasProps) = eras_view, preload_eras
);
lazy_view!(
    /// The quiz panel ("Quiz me").
    lazy_quiz(QuizProps) = quiz_view, preload_quiz
);
lazy_view!(
    /// The custom link speed form.
    lazy_custom_speed(CustomSpeedProps) = custom_speed_view, preload_custom_speed
);
