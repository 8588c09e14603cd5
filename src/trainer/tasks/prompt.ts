// The prompt format lives in core (the launch check and the trainer must agree on it).
export { promptText } from '../../core/launch/promptText';
