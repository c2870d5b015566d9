"""Every UI string in English and Chinese, in one table: `t(key, lang)`."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # header and tabs
    "title": ("FitnessLM — your bilingual fitness assistant", "FitnessLM —— 中英双语健身助手"),
    "intro": ("Scan a gym machine, get a weekly training plan or a nutrition plan, and ask questions. "
              "Runs fully offline on a CPU by default.",
              "扫描健身器械、生成每周训练计划和营养计划，并随时提问。默认在 CPU 上完全离线运行。"),
    "language": ("Language / 语言", "语言 / Language"),
    "welcome": ("### 👋 Hi, I'm your fitness assistant\n"
                "- 📷 **Send a photo** of a gym machine: I'll tell you what it is and how to use it safely.\n"
                "- 📅 **Ask for a plan**: *\"3 days a week, beginner, bad knee\"* or *\"meal plan to lose fat\"*.\n"
                "- 💬 **Ask a question**: *\"How much protein do I need?\"*\n\n"
                "Type below, or tap an example.",
                "### 👋 你好，我是你的健身助手\n"
                "- 📷 **发一张器械照片**：告诉你这是什么、怎么安全使用。\n"
                "- 📅 **要一份计划**：*“每周练3天，新手，膝盖不好”* 或 *“减脂食谱”*。\n"
                "- 💬 **问个问题**：*“增肌每天需要多少蛋白质？”*\n\n"
                "在下面输入，或点一个示例。"),
    "problem_llm": ("The language model is not available right now, so open questions can't be answered; "
                    "photos, plans and the library still work.",
                    "语言模型暂时不可用，开放式问题无法回答；照片识别、计划和动作库仍可使用。"),
    "problem_server": ("The main model server isn't answering; the built-in model answers for now (slower).",
                       "主模型服务器暂无响应，暂由内置模型回答（较慢）。"),
    "problem_models": ("Some features are unavailable on this server (a model is not installed).",
                       "本服务器上部分功能不可用（缺少模型）。"),
    "problem_knowledge": ("The knowledge base could not be loaded; answers may be incomplete.",
                          "知识库未能加载，回答可能不完整。"),
    "status": ("Status", "状态"), "ready": ("ready", "就绪"), "not_ready": ("not ready", "未就绪"),
    "knowledge": ("Knowledge", "知识库"),
    "tab_chat": ("💬 Chat", "💬 对话"), "tab_scan": ("📷 Scan", "📷 扫描器械"), "tab_video": ("🎬 Video", "🎬 视频"),
    "tab_training": ("🏋️ Training plan", "🏋️ 训练计划"), "tab_nutrition": ("🥗 Nutrition", "🥗 营养计划"),
    "tab_library": ("📚 Library", "📚 动作库"), "tab_data": ("🔒 My data", "🔒 我的数据"),
    "disclaimer": ("General fitness information, not medical advice. See a professional for injuries, pain or "
                   "medical conditions.", "仅为一般健身信息，不构成医疗建议。如有伤病、疼痛或疾病，请咨询专业人士。"),
    # chat
    "chat_box": ("Message (attach a photo of a machine if you like)", "消息（可附上器械照片）"),
    "chat_placeholder": ("Ask about equipment, plans or nutrition…", "问问器械、训练计划或营养…"),
    "tools_used": ("🔧 Tools used", "🔧 调用的工具"), "answered_by": ("answered by", "回答方式"),
    "clear": ("Clear chat", "清空对话"), "examples": ("Try:", "试试："),
    # scan
    "photo": ("Photo or webcam snapshot", "照片或摄像头快照"), "identify": ("Identify", "识别"),
    "candidates": ("Is it one of these? Click to open its card", "是其中之一吗？点击打开说明卡"),
    "photo_credit": ("<small>Machine pictures: [free-exercise-db](https://github.com/yuhonas/free-exercise-db) "
                     "(public domain, Unlicense).</small>",
                     "<small>器械图片来自 [free-exercise-db](https://github.com/yuhonas/free-exercise-db)（公有领域，Unlicense）。</small>"),
    "today_workout": ("Just today's workout", "只要今天的训练"),
    "day_n": ("Day {n}", "第 {n} 天"), "swap_label": ("Swap an exercise", "换一个动作"),
    "swap_btn": ("Swap it", "换掉它"),
    "swap_no_plan": ("Make a plan first, then pick an exercise to swap.", "请先生成计划，再选择要换的动作。"),
    "swap_pick": ("Pick the exercise to swap from the list.", "请从列表中选择要换掉的动作。"),
    "swapped": ("Day {day}: {old} → {new} (same movement pattern; your equipment and limitations respected).",
                "第 {day} 天：{old} → {new}（同一动作模式，已考虑你的器械和伤病限制）。"),
    "browse_all": ("None of these → browse all machines", "都不是 → 浏览全部器械"),
    "add_to_gym": ("Add this photo to my gym", "把这张照片加入我的健身房"),
    "share_photo": ("Also share it with everyone (you can delete it later)", "同时共享给所有人（之后可以删除）"),
    "share_catalog_only": ("Only photos of catalog machines can be shared; pick one from the list.",
                           "只有目录中的器械照片可以共享；请从列表中选择。"),
    "shared_too": ("Shared with everyone too.", "也已共享给所有人。"),
    "picked_add": ("_Right machine? **Add this photo to my gym** so it is recognised next time._",
                   "_选对了吗？点 **把这张照片加入我的健身房**，下次就能直接认出。_"), "demo_gifs": ("Demonstrations", "动作示范"),
    "live": ("Live webcam (recognises a few frames a second)", "实时摄像头（每秒识别数帧）"),
    "live_idle": ("Point the camera at a machine…", "把摄像头对准一台器械……"),
    "enroll_title": ("Add this machine to my gym", "把这台器械加入“我的健身房”"),
    "enroll_help": ("Pick what it is (or type your own name), then add the photo above. A few photos from "
                    "different angles make recognition of your gym's machines much better.",
                    "选择器械（或自己输入名称），然后添加上面的照片。从不同角度拍几张，识别你健身房的器械会准确得多。"),
    "label": ("Equipment", "器械"), "enroll": ("Add photo", "添加照片"), "remove": ("Remove label", "删除该器械"),
    "my_gym": ("My gym", "我的健身房"), "photos": ("photos", "照片数"),
    "enrolled": ("Added to my gym: {label} ({n} photos).", "已加入我的健身房：{label}（共 {n} 张照片）。"),
    "duplicate": ("That photo is already enrolled.", "这张照片已经添加过了。"),
    "removed": ("Removed {n} photos of {label}.", "已删除 {label} 的 {n} 张照片。"),
    "bad_label": ("Pick a machine from the list, or type your own name for it (up to 60 characters, no slashes).",
                  "请从列表中选择器械，或自己输入名称（最多 60 个字符，不含斜杠）。"),
    "need_label": ("Choose or type the equipment name first.", "请先选择或输入器械名称。"),
    "no_image": ("Please upload a photo or take a webcam snapshot first.", "请先上传照片或拍一张摄像头快照。"),
    "confidence": ("confidence", "置信度"),
    # video
    "video": ("Video clip", "视频片段"), "analyze_video": ("Find equipment", "识别器械"),
    "timeline": ("Timeline", "时间线"), "start": ("from (s)", "开始（秒）"), "end": ("to (s)", "结束（秒）"),
    "equipment": ("equipment", "器械"), "nothing": ("(no equipment)", "（无器械）"),
    "video_main": ("Mostly **{name}** ({n} frames over {s:.0f} s).", "主要是 **{name}**（{s:.0f} 秒内分析 {n} 帧）。"),
    "video_none": ("No gym equipment recognised in {n} frames.", "在 {n} 帧中没有识别出健身器械。"),
    "no_video": ("Please upload a video first.", "请先上传视频。"),
    "pose_title": ("Rep counter and form check", "计数与动作检查"), "exercise": ("Exercise", "动作"),
    "count_reps": ("Count reps", "计数"), "pose_nothing": ("No exercise recognised.", "没有识别出动作。"),
    "overlay": ("Skeleton overlay", "骨架叠加"),
    # training form
    "goal": ("Goal", "目标"), "experience": ("Experience", "训练经验"), "days": ("Days per week", "每周天数"),
    "minutes": ("Minutes per session", "每次时长（分钟）"), "place": ("Where you train", "训练场所"),
    "limitations": ("Injuries or limitations", "伤病或限制"), "sex": ("Sex", "性别"), "age": ("Age", "年龄"),
    "make_plan": ("Make my plan", "生成计划"), "variation": ("Another variation", "换一个版本"),
    "week": ("The week", "本周安排"), "weekly_sets": ("Weekly sets per muscle group", "每个肌群的每周组数"),
    "downloads": ("Downloads", "下载"), "seconds": (" s", " 秒"),
    "col_day": ("Day", "训练日"), "col_exercise": ("Exercise", "动作"), "col_sets": ("Sets", "组数"),
    "col_reps": ("Reps", "次数"), "col_rest": ("Rest (s)", "休息（秒）"), "col_load": ("Load", "负荷"),
    "col_tempo": ("Tempo", "节奏"), "col_cue": ("Cue", "要点"), "col_group": ("Muscle group", "肌群"),
    "fix_fields": ("Please fix:", "请修改："),
    "block": ("4-week block", "4 周周期"), "week_n": ("Week {n}", "第 {n} 周"), "sets_axis": ("sets / week", "组/周"),
    # nutrition form
    "height": ("Height (cm)", "身高（厘米）"), "weight": ("Weight (kg)", "体重（公斤）"),
    "body_fat": ("Body fat % (optional)", "体脂率 %（可选）"), "activity": ("Activity level", "活动水平"),
    "n_goal": ("Goal", "目标"), "rate": ("Rate (kg/week, 0 = default)", "速度（公斤/周，0 = 默认）"),
    "diet": ("Diet", "饮食类型"), "allergies": ("Allergies", "过敏原"), "meals": ("Meals per day", "每日餐数"),
    "cuisine": ("Cuisine", "菜系"), "trained": ("I do resistance training", "我有力量训练"),
    "make_nutrition": ("Make my nutrition plan", "生成营养计划"), "macros": ("Energy from macros (kcal)", "宏量营养素供能（千卡）"),
    "meal_plan": ("Day 1 meals", "第一天食谱"), "grocery": ("Grocery list for the week", "一周采购清单"),
    "col_meal": ("Meal", "餐次"), "col_food": ("Food", "食物"), "col_grams": ("Grams", "克"),
    "col_kcal": ("kcal", "千卡"), "col_p": ("Protein g", "蛋白质 克"), "col_f": ("Fat g", "脂肪 克"),
    "col_c": ("Carbs g", "碳水 克"), "col_category": ("Category", "类别"), "col_macro": ("Macro", "营养素"),
    "daily_targets": ("Daily targets", "每日目标"), "kcal": ("kcal", "千卡"), "protein": ("Protein", "蛋白质"),
    "fat": ("Fat", "脂肪"), "carbs": ("Carbs", "碳水"), "fibre": ("Fibre", "膳食纤维"), "water": ("Water", "饮水"),
    "accuracy": ("Meal plan vs targets: mean error {mean:.1f}%, worst {worst:.1f}%.",
                 "食谱与目标的偏差：平均 {mean:.1f}%，最大 {worst:.1f}%。"),
    # library
    "search_gifs": ("Search demonstrations (e.g. “squat”, “划船”)", "搜索动作示范（如“深蹲”、“row”）"),
    "search": ("Search", "搜索"), "type_query": ("Type what you want to see.", "请输入想看的动作。"),
    "gif_found": ("{n} demonstrations for “{q}”.", "“{q}”的 {n} 个示范。"),
    "no_gif": ("No matching demonstration found.", "没有找到匹配的动作示范。"),
    "browse": ("Browse equipment", "浏览器械"), "pick_equipment": ("Pick a machine to see its guide.", "选择一台器械查看使用指南。"),
    # my data
    "data_help": ("Your profile and history are stored only on this server, under an id kept in your browser. "
                  "Delete them any time.", "你的资料和历史只保存在本服务器上，以浏览器里保存的 id 区分。可随时删除。"),
    "refresh": ("Refresh", "刷新"), "profile": ("Saved profile", "已保存的资料"), "history": ("History", "历史记录"),
    "delete": ("Delete my data", "删除我的数据"), "deleted": ("Your profile and history were deleted.", "你的资料和历史已删除。"),
    "col_when": ("When", "时间"), "col_kind": ("What", "类型"), "col_summary": ("Summary", "摘要"),
}

CHOICES: dict[str, dict[str, tuple[str, str]]] = {
    "goal": {"strength": ("Strength", "力量"), "hypertrophy": ("Build muscle", "增肌"), "fat_loss": ("Fat loss", "减脂"),
             "endurance": ("Endurance", "耐力"), "general_health": ("General health", "健康")},
    "experience": {"beginner": ("Beginner", "新手"), "intermediate": ("Intermediate", "中级"),
                   "advanced": ("Advanced", "高级")},
    "place": {"gym": ("Gym", "健身房"), "home": ("Home (dumbbells, bands)", "在家（哑铃、弹力带）"),
              "bodyweight": ("Bodyweight only", "徒手")},
    "sex": {"male": ("Male", "男"), "female": ("Female", "女")},
    "limitations": {"knee": ("Knee", "膝"), "lower_back": ("Lower back", "下背/腰"), "shoulder": ("Shoulder", "肩"),
                    "wrist": ("Wrist", "手腕"), "elbow": ("Elbow", "肘"), "hip": ("Hip", "髋"),
                    "ankle": ("Ankle", "踝"), "neck": ("Neck", "颈")},
    "activity": {"sedentary": ("Sedentary", "久坐"), "light": ("Light", "轻度"), "moderate": ("Moderate", "中度"),
                 "active": ("Active", "活跃"), "very_active": ("Very active", "非常活跃")},
    "n_goal": {"lose": ("Lose fat", "减脂"), "maintain": ("Maintain", "维持"), "gain": ("Gain muscle", "增肌")},
    "diet": {"omnivore": ("Omnivore", "杂食"), "vegetarian": ("Vegetarian", "素食"), "vegan": ("Vegan", "纯素"),
             "pescatarian": ("Pescatarian", "鱼素"), "halal": ("Halal", "清真")},
    "allergies": {"gluten": ("Gluten", "麸质"), "dairy": ("Dairy", "乳制品"), "egg": ("Egg", "鸡蛋"), "soy": ("Soy", "大豆"),
                  "peanut": ("Peanut", "花生"), "tree_nut": ("Tree nuts", "坚果"), "fish": ("Fish", "鱼"),
                  "shellfish": ("Shellfish", "甲壳类"), "sesame": ("Sesame", "芝麻")},
    "cuisine": {"any": ("Any", "不限"), "chinese": ("Chinese", "中餐"), "western": ("Western", "西餐")},
}

EXAMPLES = {
    "en": ["How do I use the leg press?", "Make me a 3-day beginner plan, I'm 30 with a bad knee",
           "How much protein do I need to build muscle?", "Show me a Romanian deadlift demo"],
    "zh": ["腿举机怎么用？", "我30岁，新手，每周练3天，帮我做个训练计划", "增肌每天需要多少蛋白质？", "给我看看深蹲的示范"],
}


def t(key: str, lang: str) -> str:
    en, zh = TEXTS[key]
    return zh if lang == "zh" else en


def choices(field: str, lang: str) -> list[tuple[str, str]]:
    """(label, value) pairs for a Radio/Dropdown/CheckboxGroup in the asked language."""
    return [(zh if lang == "zh" else en, value) for value, (en, zh) in CHOICES[field].items()]
