//! The panels of the page, one file each. Every panel takes the part of the model it renders
//! as props (and a `Callback<Msg>` when it can change something); none decides a replication
//! rule.

pub mod backlog_ring;
pub mod console;
pub mod decision_card;
pub mod glossary;
pub mod help;
pub mod icons;
pub mod inspector;
pub mod offsets;
pub mod sequence;
pub mod share;
pub mod toolbar;
pub mod topology;
